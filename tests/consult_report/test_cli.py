"""``highneeds consult report``: the report file from an export, traceable by its hash."""

import hashlib
import re

from typer.testing import CliRunner

from highneeds.cli.main import app


def test_report_command_writes_html_with_the_export_hash(tmp_path, synthetic_responses):
    export = tmp_path / "responses.csv"
    synthetic_responses.head(120).to_csv(export, index=False)
    we_did = tmp_path / "we_did.yaml"
    we_did.write_text("title: CLI report\nproposals:\n  P2:\n    we_did: We will act.\n")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app,
        ["consult", "report", str(export), "--we-did", str(we_did), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert hashlib.sha256(export.read_bytes()).hexdigest() in html
    assert "CLI report" in html and "We will act." in html
    assert "120 responses" in html


def test_report_command_with_codebook(tmp_path, synthetic_responses):
    from highneeds.consult.analysis.synthetic import codebook_frame

    export = tmp_path / "responses.csv"
    synthetic_responses.head(120).to_csv(export, index=False)
    codebook = tmp_path / "codebook.csv"
    codebook_frame().rename(columns={"theme_id": "theme"}).to_csv(codebook, index=False)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["consult", "report", str(export), "--codebook", str(codebook), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "coding against the council" in html
    assert "Travel" in html or "travel" in html


def test_report_command_refuses_unknown_suffix(tmp_path, synthetic_responses):
    export = tmp_path / "responses.csv"
    synthetic_responses.head(20).to_csv(export, index=False)
    result = CliRunner().invoke(
        app, ["consult", "report", str(export), "--out", str(tmp_path / "r.odt")]
    )
    assert result.exit_code != 0
    assert ".pdf, .html or .docx" in result.output


def test_report_command_quotes_only_the_moderated_export(tmp_path, synthetic_responses):
    responses = synthetic_responses.head(120)
    export = tmp_path / "responses.csv"
    responses.to_csv(export, index=False)
    moderated = responses.copy()
    why = [c for c in moderated.columns if c.endswith("__why")]
    moderated[why] = ""
    moderated.loc[moderated.index[::2], "P1__why"] = "Checked wording from a moderator."
    quotes = tmp_path / "moderated.csv"
    moderated.to_csv(quotes, index=False)
    out = tmp_path / "report.html"
    runner = CliRunner()
    assert runner.invoke(app, ["consult", "report", str(export), "--out", str(out)]).exit_code == 0
    assert "<blockquote>" not in out.read_text()  # without --quotes nobody is quoted
    result = runner.invoke(
        app, ["consult", "report", str(export), "--quotes", str(quotes), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    quoted = set(re.findall(r"<blockquote>“(.*?)”</blockquote>", out.read_text()))
    assert quoted == {"Checked wording from a moderator."}
