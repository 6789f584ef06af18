"""Publishable documents — the progress report, the Investment Position Statement, the decision
pack — as one structure rendered three ways: HTML (self-contained), tagged PDF (PDF/UA-1) and
DOCX. Content is built by each report's module; this module only lays it out.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

TEMPLATES = Path(__file__).parent / "templates"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class Table:
    """A table as published: headers and cells already in words (formatted, suppressed).
    The first column heads each row."""

    caption: str
    frame: pd.DataFrame
    source: str = ""

    def shown(self) -> pd.DataFrame:
        """The frame as laid out: a named index becomes the first column."""
        return self.frame.reset_index() if self.frame.index.name else self.frame

    def text_columns(self) -> set[str]:
        """Columns of words (left-aligned), as against figures (right-aligned)."""
        figure = re.compile(r"^[-+−]?£?[\d,.]+(%|k|m|bn)?( \(.*\))?$|^[cxz–]$|^low$")
        frame = self.shown()
        return {
            str(name)
            for name in frame.columns
            if not all(figure.match(str(v)) for v in frame[name] if str(v).strip())
        }


@dataclass
class Chart:
    figure: object  # a matplotlib Figure
    alt: str  # the text alternative: what the chart shows, in a sentence or two

    def svg(self) -> str:
        buffer = io.StringIO()
        self.figure.savefig(buffer, format="svg", bbox_inches="tight")
        text = buffer.getvalue()
        return text[text.index("<svg") :]

    def png(self, dpi: int = 150) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return buffer.getvalue()


@dataclass
class Block:
    """Part of a section: a heading (level 3), paragraphs, a status tag, charts and tables,
    in that order."""

    heading: str = ""
    status: str = ""
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    new_page: bool = True


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list[Section]
    landscape: bool = False
    attribution: str = ATTRIBUTION


def render_html(document: Document) -> str:
    """A self-contained page: styles inline, charts as SVG images, no scripts."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    environment.filters["b64"] = lambda text: base64.b64encode(text.encode()).decode()
    css = (TEMPLATES / "document.css").read_text(encoding="utf-8")
    page = "A4 landscape" if document.landscape else "A4"
    return environment.get_template("document.html.j2").render(d=document, css=css, page=page)


def render_pdf(document: Document) -> bytes:
    """The HTML as a tagged A4 PDF (PDF/UA-1: structure tags, language, title)."""
    from highneeds.pdf import tagged_pdf

    return tagged_pdf(render_html(document))


def render_docx(document: Document) -> bytes:
    """The same content as a Word document, with real headings, tables and alt text."""
    from docx import Document as Docx
    from docx.shared import Cm, Pt

    docx = Docx()
    docx.core_properties.title = document.title
    docx.core_properties.language = "en-GB"
    docx.add_heading(document.title, level=0)
    docx.add_paragraph(document.subtitle)
    for section in document.sections:
        docx.add_heading(section.heading, level=1)
        for block in section.blocks:
            if block.heading:
                heading = block.heading + (f" ({block.status})" if block.status else "")
                docx.add_heading(heading, level=2)
            for text in block.paragraphs:
                docx.add_paragraph(text)
            for chart in block.charts:
                docx.add_picture(io.BytesIO(chart.png()), width=Cm(16))
                # Word reads a picture's description as its alternative text.
                docx.inline_shapes[-1]._inline.docPr.set("descr", chart.alt)
                docx.add_paragraph(chart.alt).runs[0].font.size = Pt(8)
            for table in block.tables:
                _docx_table(docx, table)
    docx.add_paragraph(document.attribution).runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def _docx_table(docx, table: Table) -> None:
    from docx.shared import Pt

    docx.add_paragraph(table.caption, style="Caption")
    frame = table.shown()
    grid = docx.add_table(rows=1, cols=len(frame.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, frame.columns, strict=True):
        cell.text = str(name)
        cell.paragraphs[0].runs[0].font.bold = True
    for row in frame.itertuples(index=False):
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    # Repeat the header row on each page, as screen readers and printed tables expect.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    if table.source:
        docx.add_paragraph(f"Source: {table.source}").runs[0].font.size = Pt(8)


def render(document: Document, fmt: str) -> bytes:
    """``fmt``: html, pdf or docx."""
    if fmt == "html":
        return render_html(document).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(document)
    if fmt == "docx":
        return render_docx(document)
    raise ValueError(f"no {fmt!r} format; choose html, pdf or docx")
