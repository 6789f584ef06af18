import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from consultations.helpers import base, complete_journey
from consultations.conftest import *  # noqa

@pytest.mark.django_db
def test_queries(consultation):
    c = Client()
    root = base(consultation)
    with CaptureQueriesContext(connection) as q:
        c.get(f"{root}/about-you/")
    print("about GET", len(q))
    with CaptureQueriesContext(connection) as q:
        c.post(f"{root}/about-you/", {"respondent_type": "parent_carer"})
    print("about POST", len(q))
    with CaptureQueriesContext(connection) as q:
        c.get(f"{root}/area/1/")
    print("area GET", len(q))
    with CaptureQueriesContext(connection) as q:
        c.post(f"{root}/check-your-answers/")
    print("submit", len(q))
    for x in q.captured_queries: print(x["sql"][:150])
