"""The decision pack: the officer's words checked, the evidence filled, three formats."""

import io

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from highneeds.cli.main import app
from highneeds.errors import InputFileError
from highneeds.strategy.pack import read_pack_text

from .conftest import REGISTER, STRATEGY, TEMPLATES

PACK = TEMPLATES / "decision_pack.toml"
SCENARIOS = STRATEGY.parents[1] / "finance" / "change_programme"
runner = CliRunner()


def test_worked_example_text():
    text = read_pack_text(PACK)
    assert text.meeting == "Cabinet" and text.meeting_date.year == 2024
    assert len(text.recommendations) == 3 and [r.rating for r in text.risks] == ["High", "Medium"]
    assert text.decision is None


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (("recommendations = [", "recommendations = 3 #["), "recommendations"),
        (('rating = "High"', 'rating = "Severe"'), "risks[1]"),
        (("meeting_date = 2024-09-18", 'meeting_date = "18/9/24"'), "meeting_date"),
        (('title = "SEND', 'titel = "SEND'), "title"),
        (("# [decision]\n# date = 2024-09-18", "[decision]\ndate = 2024-09-18"), "decision"),
    ],
)
def test_mistakes_are_named(tmp_path, change, key):
    path = tmp_path / "pack.toml"
    text = PACK.read_text().replace(*change)
    if change[0] == "recommendations = [":
        text = text.replace('  "Endorse', '#  "Endorse').replace('  "Note', '#  "Note')
        text = text.replace('  "Agree', '#  "Agree').replace("]\nbackground", "\nbackground")
    path.write_text(text)
    with pytest.raises(InputFileError) as error:
        read_pack_text(path)
    assert error.value.location.column == key and error.value.location.file == "pack.toml"


def test_recorded_decision_is_read(tmp_path):
    path = tmp_path / "pack.toml"
    path.write_text(
        PACK.read_text()
        .replace("# [decision]", "[decision]")
        .replace("# date = 2024", "date = 2024")
        .replace("# decision =", "decision =")
        .replace("# scrutiny_comments", "scrutiny_comments")
    )
    decision = read_pack_text(path).decision
    assert decision.date.isoformat() == "2024-09-18"
    assert decision.decision == "The SEND Strategy was approved and endorsed."


@pytest.mark.slow
def test_pack_for_stockport(store, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", store.url)
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path))
    assert runner.invoke(app, ["data", "import", "--bundled"]).exit_code == 0
    out, docx = tmp_path / "pack.pdf", tmp_path / "pack.docx"
    args = ["pack", str(PACK), "--la", "Stockport", "--out", str(out), "--out", str(docx)]
    args += ["--simulations", "100"]
    args += ["--strategy", str(STRATEGY), "--places", str(REGISTER)]
    for name in ("places.toml", "early_help.toml", "inclusion.toml"):
        args += ["--scenario", str(SCENARIOS / name)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for heading in (
        "1. Purpose of the report",
        "2. Recommendations",
        "4. Evidence",
        "6. Options considered",
        "7. Financial implications",
        "9. Equality implications",
        "10. Risks",
    ):
        assert heading in text
    assert "2,618" in text  # Stockport's EHC plans, January 2022 (DfE)
    assert "More specialist places" in text and "Chance of a deficit" in text
    assert "Every KPI at a glance" in text
    assert "_gbp" not in text and " nan " not in text
    from docx import Document

    headings = [p.text for p in Document(docx).paragraphs if p.style.name.startswith("Heading")]
    assert "6. Options considered" in headings
