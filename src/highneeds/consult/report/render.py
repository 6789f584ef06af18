"""Lay an ``OutcomeReport`` out as HTML (Jinja2), PDF (WeasyPrint, from the HTML) or DOCX."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from highneeds.consult.report.build import OutcomeReport, Table
from highneeds.errors import ModelInputError
from highneeds.pdf import tagged_pdf

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render_html(report: OutcomeReport) -> str:
    """A self-contained HTML page: styles inline, charts embedded as SVG data, no scripts."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    environment.filters["b64"] = lambda text: base64.b64encode(text.encode()).decode()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return environment.get_template("report.html.j2").render(r=report, css=css)


def render_pdf(report: OutcomeReport) -> bytes:
    """The HTML printed to A4 as tagged PDF/UA-1 (highneeds.pdf), which a council may publish
    under the public sector accessibility regulations."""
    return tagged_pdf(render_html(report))


def _docx_table(document, table: Table) -> None:
    document.add_paragraph(table.caption, style="Caption")
    grid = document.add_table(rows=1, cols=len(table.header))
    grid.style = "Light Grid Accent 1"
    for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
        cell.text = text
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    note = table.source + (f". {table.note}" if table.note else "")
    document.add_paragraph(note).runs[0].font.size = _pt(8)


def _pt(size: float):
    from docx.shared import Pt

    return Pt(size)


def _docx_chart(document, chart) -> None:
    from docx.shared import Cm

    document.add_picture(io.BytesIO(chart.png), width=Cm(16))
    # Word reads the picture's description as its alternative text.
    document.inline_shapes[-1]._inline.docPr.set("descr", chart.alt)
    document.add_paragraph(f"{chart.title}. Text description: {chart.alt}", style="Caption")


def render_docx(report: OutcomeReport) -> bytes:
    """A Word document with the same sections, tables and charts (PNG with alternative text)."""
    from docx import Document

    document = Document()
    if report.we_did.notice:
        document.sections[0].header.paragraphs[0].text = report.we_did.notice
        document.add_paragraph(report.we_did.notice).runs[0].bold = True
    if report.we_did.council:
        document.add_paragraph(report.we_did.council)
    document.add_heading(report.title, level=0)
    if report.we_did.period:
        document.add_paragraph(f"Consultation: {report.we_did.period}")
    document.add_paragraph(f"{report.provenance['responses']:,} responses")
    if report.we_did.introduction:
        document.add_paragraph(report.we_did.introduction)

    document.add_page_break()
    document.add_heading("We asked, you said, we did", level=1)
    for p in report.proposals:
        document.add_heading(p.title, level=2)
        document.add_heading("We asked", level=3)
        document.add_paragraph(p.we_asked or f"Whether you agreed with proposal {p.code}.")
        document.add_heading("You said", level=3)
        document.add_paragraph(p.you_said)
        document.add_heading("We did", level=3)
        document.add_paragraph(
            p.we_did or "Not yet completed: the council adds what it will do after the decision."
        )

    document.add_page_break()
    document.add_heading("Who responded", level=1)
    for table in report.profile:
        _docx_table(document, table)

    document.add_page_break()
    document.add_heading("Agreement with each proposal", level=1)
    if report.overall_chart:
        _docx_chart(document, report.overall_chart)
    for p in report.proposals:
        document.add_heading(p.title, level=2)
        _docx_table(document, p.overall)
        if p.chart:
            _docx_chart(document, p.chart)
        if p.charted_note:
            document.add_paragraph(p.charted_note)
        for table in p.by_group:
            _docx_table(document, table)
        document.add_heading("Differences between groups", level=3)
        for statement in p.differences or ["No notable differences between groups."]:
            document.add_paragraph(statement, style="List Bullet")

    document.add_page_break()
    document.add_heading("What people told us", level=1)
    if report.review:
        document.add_paragraph(report.review)
    for q in report.questions:
        document.add_heading(q.title, level=2)
        document.add_paragraph(f"{q.answers:,} people explained their answer. {q.review}")
        _docx_table(document, q.by_stance)
        for theme in q.themes:
            document.add_heading(theme.label, level=3)
            c = theme.counts
            document.add_paragraph(
                f"{c['total']} answers: {c['support']} from people who support the proposal, "
                f"{c['oppose']} who oppose it, {c['neutral']} neither or don't know."
            )
            if theme.description:
                document.add_paragraph(theme.description)
            for quote in theme.quotes:
                document.add_paragraph(f"“{quote}”", style="Quote")
        _docx_table(document, q.by_group)

    document.add_page_break()
    document.add_heading("How we analysed the responses", level=1)
    document.add_paragraph(report.methods)
    document.add_heading("Where the figures come from", level=2)
    p = report.provenance
    for label, value in [
        ("Responses export", p["source"] or "not named"),
        ("SHA-256 of the export file", p["file_sha256"]),
        ("Rows (responses)", f"{p['responses']:,}"),
        ("Proposals", ", ".join(p["proposals"])),
        ("SHA-256 of the table as analysed", p["sha256"]),
        ("Smallest count published", str(report.threshold)),
        ("Produced", f"{p['generated_at']} with {p['software']}"),
    ]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(report: OutcomeReport, file_format: str) -> bytes:
    """The report as bytes in ``file_format`` ('html', 'pdf' or 'docx')."""
    if file_format == "html":
        return render_html(report).encode("utf-8")
    if file_format == "pdf":
        return render_pdf(report)
    if file_format == "docx":
        return render_docx(report)
    raise ModelInputError(f"unknown report format {file_format!r}: use html, pdf or docx")
