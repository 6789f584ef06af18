"""The session store (highneeds.web.core.sessions) behaves as Django's database sessions do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.utils import timezone

from highneeds.web.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_workspace_uses_it():
    assert settings.SESSION_ENGINE == "highneeds.web.core.sessions"


def test_a_saved_session_is_read_back_and_updated_in_place():
    first = SessionStore()
    first["answers"] = {"about": "parent_carer"}
    first.save()
    key = first.session_key

    second = SessionStore(key)
    assert second["answers"] == {"about": "parent_carer"}
    second["answers"] = {"about": "young_person", "why": "Café – 5,000 characters"}
    second.set_expiry(3600)
    second.save()

    assert Session.objects.count() == 1
    row = Session.objects.get(session_key=key)
    assert timedelta(minutes=59) < row.expire_date - timezone.now() <= timedelta(hours=1)
    assert SessionStore(key)["answers"]["why"] == "Café – 5,000 characters"


def test_an_expired_session_is_not_read_and_its_key_is_not_reused():
    old = SessionStore()
    old["answers"] = "kept too long"
    old.save()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    again = SessionStore(old.session_key)
    assert again.load() == {}
    assert again.session_key is None  # a new key is made when it is next saved
    again["answers"] = "new"
    again.save()
    assert again.session_key != old.session_key


def test_updating_a_session_deleted_meanwhile_is_refused():
    session = SessionStore()
    session["answers"] = "x"
    session.save()
    Session.objects.filter(session_key=session.session_key).delete()
    session["answers"] = "y"
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.exists()
