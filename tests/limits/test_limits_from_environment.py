"""Limits from the environment: each settable by its variable, in a stated range; a bad value
stops the workspace or a command at start with one sentence naming the variable."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from highneeds import config, limits
from highneeds.errors import InputFileError
from highneeds.finance.scenarios import scenario_from_toml

DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


@pytest.mark.parametrize("setting", limits.SETTINGS, ids=lambda s: s.env)
def test_each_limit_has_its_default_unset_and_takes_a_value_in_range(setting):
    assert setting.value({}) == setting.default
    assert setting.value({setting.env: "  "}) == setting.default
    assert setting.allowed.contains(setting.default)
    assert setting.value({setting.env: str(int(setting.allowed.high))}) == setting.allowed.high


@pytest.mark.parametrize("setting", limits.SETTINGS, ids=lambda s: s.env)
@pytest.mark.parametrize("bad", ["lots", "1e400", "nan", "-1", "999999999999", "12;rm"])
def test_a_bad_value_is_refused_in_one_sentence_naming_the_variable_and_range(setting, bad):
    with pytest.raises(limits.LimitSettingError) as refused:
        setting.value({setting.env: bad})
    message = str(refused.value)
    assert message.startswith(setting.env)
    assert setting.allowed.describe() in message
    assert f"“{bad}”" in message
    assert message.count(". ") == 0 and "\n" not in message


def test_check_environment_reads_every_limit_and_stops_at_the_first_bad_one():
    values = limits.check_environment({"HIGHNEEDS_MAX_SCENARIO_PLACES": "250"})
    assert set(values) == {s.env for s in limits.SETTINGS}
    assert values["HIGHNEEDS_MAX_SCENARIO_PLACES"] == 250
    with pytest.raises(limits.LimitSettingError, match="HIGHNEEDS_IDLE_MINUTES"):
        limits.check_environment({"HIGHNEEDS_IDLE_MINUTES": "0"})


def test_every_limit_is_documented_in_operations():
    text = DOCS.read_text()
    missing = [s.env for s in limits.SETTINGS if f"`{s.env}`" not in text]
    assert missing == []


def test_the_web_stops_at_start_with_one_sentence(web_process_env):
    env = web_process_env(HIGHNEEDS_SUBMISSIONS_PER_ADDRESS="0")
    done = subprocess.run(
        [sys.executable, "-m", "highneeds.web.manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("highneeds: HIGHNEEDS_SUBMISSIONS_PER_ADDRESS")
    assert "from 1 to 100,000 responses" in lines[0]


def test_the_command_line_says_one_sentence_for_a_bad_upload_limit(tmp_path, monkeypatch):
    from highneeds.cli.main import app

    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("HIGHNEEDS_MAX_UPLOAD_MB", "ten")
    release = tmp_path / "release.zip"
    with zipfile.ZipFile(release, "w") as archive:
        archive.writestr("caseload.csv", "time_period\n2024\n")
    result = CliRunner().invoke(app, ["data", "import", str(release)])
    assert result.exit_code == 1
    assert "HIGHNEEDS_MAX_UPLOAD_MB" in result.output
    assert "Traceback" not in result.output


def test_the_upload_limit_follows_its_variable(monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_MAX_UPLOAD_MB", "2.5")
    assert config.max_upload_bytes() == int(2.5 * 1024 * 1024)


SCENARIO = """
name = "Big base"

[[intervention]]
type = "places"
funding_category = "maintained_special"
from_year = 2027
places = {places}
"""


def test_scenario_places_follow_the_configured_maximum(monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_MAX_SCENARIO_PLACES", "300")
    assert scenario_from_toml(SCENARIO.format(places=300)).interventions[0]["places"] == 300
    with pytest.raises(InputFileError, match=r"from -300 to 300 places, not 301"):
        scenario_from_toml(SCENARIO.format(places=301))
    from highneeds.web.workspace.scenario_forms import PlacesForm

    answers = {"action": "open", "funding_category": "maintained_special", "from_year": "2028"}
    form = PlacesForm({**answers, "places": "100, 301"})
    assert not form.is_valid()
    assert form.errors["places"] == ["Places must be 300 or fewer a year: “301” is more"]


@pytest.mark.django_db
def test_retention_follows_the_configured_maximum(monkeypatch):
    from highneeds.web.consultations.forms import ConsultationForm

    monkeypatch.setenv("HIGHNEEDS_MAX_RETENTION_DAYS", "730")
    answers = {
        "title": "Short breaks review",
        "slug": "short-breaks",
        "summary": "Tell us",
        "privacy_notice": "Notice",
        "contact": "sb@example.org",
        "opens_at": "2020-01-01T09:00",
        "closes_at": "2099-01-01T17:00",
    }
    form = ConsultationForm({**answers, "retention_days": "731"})
    assert "from 0 to 730 days" in str(form["retention_days"].help_text)
    assert not form.is_valid()
    assert form.errors["retention_days"] == ["Enter from 0 to 730 days"]
    assert ConsultationForm({**answers, "retention_days": "730"}).is_valid()


def test_a_database_ceiling_cannot_be_raised_from_the_environment():
    with pytest.raises(limits.LimitSettingError):
        limits.MAX_RETENTION_DAYS.value({"HIGHNEEDS_MAX_RETENTION_DAYS": "3651"})
