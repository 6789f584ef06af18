"""The outcome report renders to HTML, PDF and DOCX with the expected content."""

import io
import json

import pytest

from highneeds.consult.analysis.agreement import SUPPRESSED
from highneeds.consult.report import read_we_did, render, render_docx, render_html, render_pdf
from highneeds.errors import InputFileError, ModelInputError


def test_html_has_every_section_and_traces_to_the_export(synthetic_report):
    html = render_html(synthetic_report)
    for heading in (
        "We asked, you said, we did",
        "Who responded",
        "Agreement with each proposal",
        "What people told us",
        "How we analysed the responses",
    ):
        assert f">{heading}</h2>" in html
    assert synthetic_report.provenance["file_sha256"] in html
    assert "240 responses" in html
    assert "SYNTHETIC TEST DATA" in html
    assert "We will open forty places." in html
    assert "Not yet completed" in html  # P1's "we did" is left empty
    assert html.count("<img ") >= 1 + len(synthetic_report.proposals) - 1
    assert 'alt="Agreement with each proposal, all respondents.' in html
    assert "<script" not in html


def test_free_text_is_escaped(synthetic_responses):
    from highneeds.consult.report import build_report

    hostile = synthetic_responses.copy()
    hostile["P1__why"] = "<script>alert(1)</script> " + hostile["P1__why"]
    # Quoted as moderated (the moderator kept the markup): it must still print as text.
    html = render_html(build_report(hostile.head(40), quotable=hostile.head(40)))
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_difference_statements_only_for_groups_with_nothing_hidden(synthetic_report):
    data = synthetic_report.data
    stated = [s for p in synthetic_report.proposals for s in p.differences]
    assert stated, "the synthetic set has notable differences"
    for row in data.differences.itertuples():
        if row.statement in stated:
            published = data.published_agreement[(row.proposal, row.group_by)]
            assert not (published.loc[row.group] == SUPPRESSED).any()


def test_review_share_is_reported(synthetic_report):
    assert "No free-text answer has been reviewed" in synthetic_report.review
    assert synthetic_report.questions and synthetic_report.questions[0].themes


@pytest.mark.slow
def test_pdf_has_pages_and_expected_text(synthetic_report):
    from pypdf import PdfReader

    pdf = render_pdf(synthetic_report)
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 8
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "We asked, you said, we did" in flat
    assert "SYNTHETIC TEST DATA" in flat
    assert synthetic_report.provenance["file_sha256"][:12] in flat
    assert f"Page 1 of {len(reader.pages)}" in flat
    assert "95% confidence interval" in flat


@pytest.mark.slow
def test_pdf_is_tagged_for_screen_readers(synthetic_report):
    """PDF/UA: marked content, a structure tree with headings, tables with header cells and
    figures with alternative text, the document's language and title."""
    from pdf_checks import assert_tagged

    alts = assert_tagged(
        render_pdf(synthetic_report),
        title=synthetic_report.title,
        roles_needed=("/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"),
    )
    assert alts and all(len(alt) > 40 and "agree" in alt for alt in alts), alts


def test_docx_has_sections_charts_with_alt_text_and_tables(synthetic_report):
    from docx import Document

    document = Document(io.BytesIO(render_docx(synthetic_report)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "We asked, you said, we did" in headings
    assert "How we analysed the responses" in headings
    shapes = document.inline_shapes
    assert len(shapes) >= 2
    assert shapes[0]._inline.docPr.get("descr").startswith("Agreement with each proposal")
    assert len(document.tables) >= 3 * len(synthetic_report.proposals)


def test_unknown_format_is_refused(synthetic_report):
    with pytest.raises(ModelInputError, match="docx"):
        render(synthetic_report, "odt")


def test_we_did_files_in_three_formats_agree(tmp_path):
    data = {"title": "T", "proposals": {"P1": {"title": "Early", "we_did": "Done."}}}
    (tmp_path / "w.json").write_text(json.dumps(data))
    (tmp_path / "w.yaml").write_text(
        "title: T\nproposals:\n  P1:\n    title: Early\n    we_did: Done.\n"
    )
    (tmp_path / "w.toml").write_text(
        'title = "T"\n[proposals.P1]\ntitle = "Early"\nwe_did = "Done."\n'
    )
    read = [read_we_did(tmp_path / f"w.{s}") for s in ("json", "yaml", "toml")]
    assert read[0] == read[1] == read[2]
    assert read[0].for_proposal("P1").we_did == "Done."
    assert read[0].for_proposal("P9").we_did == ""


def test_we_did_typo_is_named(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text("proposals:\n  P1:\n    we_dd: Done.\n")
    with pytest.raises(InputFileError, match="we_dd"):
        read_we_did(path)


def test_reviewed_share_and_human_theme_names_reach_the_report(synthetic_responses):
    from highneeds.consult.analysis.coding import discovery_run
    from highneeds.consult.analysis.schema import free_text
    from highneeds.consult.report import build_report

    responses = synthetic_responses.head(120)
    texts = free_text(responses, "P1")
    theme_set = discovery_run(texts, "P1")
    first = theme_set.active_theme_ids()[0]
    theme_set.rename(first, "Named by the analyst")
    theme_set.mark_reviewed(list(texts.index[:30]))
    report = build_report(responses, theme_sets={"P1": theme_set})
    p1 = next(q for q in report.questions if q.code == "P1")
    assert f"A person reviewed 30 of {len(texts)} answers" in p1.review
    assert "Named by the analyst" in [t.label for t in p1.themes]
    assert report.review.startswith(f"A person reviewed the themes of 30 of {len(texts)}")
