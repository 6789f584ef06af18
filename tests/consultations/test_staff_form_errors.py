"""Staff forms: GOV.UK error summaries whose every message names its field."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_new_consultation_errors_name_each_field_and_link_to_it(staff, workspace):
    client = staff("admin")
    url = f"/workspaces/{workspace.la_code}/consultations/new/"
    page = client.post(url, {"title": "", "opens_at": "not a date", "closes_at": ""})
    html = page.content.decode()
    assert page.status_code in (200, 400)
    assert "There is a problem" in html
    assert "This field is required" not in html
    summary = html.split('govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    messages = re.findall(r'<a href="#(id_[a-z_]+)">([^<]+)</a>', summary)
    assert len(messages) >= 3
    for field_id, _message in messages:
        assert f'id="{field_id}' in html  # each links to its field
    words = " ".join(m for _, m in messages)
    assert "Enter title" in words
    assert "Opens at must be a real date and time" in words
    assert "Enter closes at" in words
    # the same message sits by the field
    assert html.count("Enter title") == 2


def test_name_field_in_errors_keeps_messages_a_form_wrote():
    from django import forms

    from highneeds.web.core.forms import name_field_in_errors

    own = forms.CharField(label="Title", error_messages={"required": "Give it a title"})
    name_field_in_errors(own, "title")
    assert own.error_messages["required"] == "Give it a title"
    choice = forms.ChoiceField(label="Who are you?", widget=forms.RadioSelect, choices=[])
    name_field_in_errors(choice, "who")
    assert choice.error_messages["required"] == "Select who are you"
