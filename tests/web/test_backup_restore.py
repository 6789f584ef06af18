"""The whole installation comes back from one backup: workspaces, accounts, the audit log,
jobs (uploads' metadata) and the core's data, every table's rows counted (the suite runs on
SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from highneeds.store.backup import backup, restore, table_counts
from highneeds.web.accounts import audit
from highneeds.web.workspace.models import Job

from .factories import PASSWORD, MembershipFactory


@pytest.fixture
def filled(demo_la, tmp_path):
    """A workspace with a member, audit rows, a job and a SEN2 return in the core's tables."""
    from highneeds.importers.sen2 import import_sen2
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml
    from highneeds.web.core.store import get_store

    member = MembershipFactory(workspace=demo_la, role="analyst").user
    audit.record(audit.Action.EXPORT, actor=member, workspace=demo_la, target="overview.csv")
    Job.objects.create(workspace=demo_la, kind=Job.Kind.IMPORT, input_name="return.xml")
    (ret,) = generate(SynthConfig(first_year=2024, last_year=2024, children=25, seed=6))
    import_sen2([write_xml(ret, tmp_path / "r.xml")], get_store(), accept_errors=True)
    return member


def test_back_up_wipe_restore_brings_back_every_table(filled, tmp_path):
    from highneeds.web.core.store import get_store

    store = get_store()
    before = table_counts(store)
    for table in ("auth_user", "accounts_auditevent", "workspace_job", "hn_sen2_person"):
        assert before[table] > 0, table
    backup(store, tmp_path / "all.backup")
    meta = sa.MetaData()
    meta.reflect(store.engine)
    meta.drop_all(store.engine)
    assert table_counts(store) == {}
    assert restore(store, tmp_path / "all.backup").counts == before
    # The restored accounts work: the member signs in with the same password.
    response = Client().post(
        reverse("accounts:login"), {"username": filled.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_cli_backup_and_restore(filled, tmp_path, monkeypatch):
    from highneeds.cli.main import app
    from highneeds.web.core.store import get_store, store_url

    monkeypatch.setenv("DATABASE_URL", store_url())
    runner = CliRunner()
    before = table_counts(get_store())
    made = runner.invoke(app, ["backup", str(tmp_path / "cli.backup")])
    assert made.exit_code == 0, made.output
    assert "readable by this account only" in " ".join(made.output.split())
    refused = runner.invoke(app, ["restore", str(tmp_path / "cli.backup")])
    assert refused.exit_code == 1 and "--yes" in refused.output
    done = runner.invoke(app, ["restore", str(tmp_path / "cli.backup"), "--yes"])
    assert done.exit_code == 0, done.output
    assert table_counts(get_store()) == before
