"""Documents as tagged PDF (PDF/UA-1, WeasyPrint), for every PDF highneeds writes.

A council may publish only accessible documents (the public sector accessibility
regulations): the PDF carries a structure tree (headings, lists, tables with header cells,
figures with alternative text), the document's language and title, and is marked as tagged.
The HTML given must say those things: ``<html lang>``, ``<title>``, ``<th scope>``,
``<img alt>``, headings in order. Needs Pango (scripts/install-report-tools.sh).
"""

from __future__ import annotations

import html as _html

#: PDF/UA-1: the accessible PDF standard WeasyPrint writes.
PDF_VARIANT = "pdf/ua-1"

#: A plain A4 house style for documents made of headings, paragraphs and tables.
DOCUMENT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; @bottom-right { content: "Page " counter(page)
  " of " counter(pages); font-family: Arial, "Liberation Sans", sans-serif; font-size: 8pt;
  color: #505a5f; } }
body { font-family: Arial, "Liberation Sans", sans-serif; font-size: 10pt; color: #0b0c0c; }
h1 { font-size: 20pt; margin: 0 0 6mm; } h2 { font-size: 14pt; margin: 8mm 0 3mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2mm; page-break-inside: auto; }
caption { text-align: left; font-weight: bold; margin-bottom: 2mm; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1.2mm 2mm; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { border-bottom: 2px solid #0b0c0c; }
.note { font-size: 8.5pt; color: #505a5f; }
"""


def tagged_pdf(html: str) -> bytes:
    """HTML (with lang, title, scoped header cells and alt text) as tagged PDF/UA-1 bytes."""
    import logging

    from weasyprint import HTML

    # WeasyPrint logs every CSS property it ignores; they are not the reader's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def table_html(frame, caption: str, *, row_headers: bool = True) -> str:
    """A DataFrame as an accessible HTML table: a caption, column headers scoped to their
    columns and (with ``row_headers``) the index as row headers. Cells are escaped; figures
    (numbers, or text of digits, 'c', 'x', 'z') are right-aligned."""
    escape = _html.escape

    def klass(value) -> str:
        text = str(value)
        figure = text.replace(",", "").replace(".", "", 1).replace("%", "").isdigit()
        return ' class="n"' if figure or text in ("c", "x", "z", "u") else ""

    index_name = frame.index.name or ""
    head = "".join(
        [f'<th scope="col">{escape(str(index_name))}</th>' if row_headers else ""]
        + [f'<th scope="col"{klass(1)}>{escape(str(c))}</th>' for c in frame.columns]
    )
    rows = []
    for label, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        cells = "".join(f"<td{klass(v)}>{escape(str(v))}</td>" for v in values)
        lead = f'<th scope="row">{escape(str(label))}</th>' if row_headers else ""
        rows.append(f"<tr>{lead}{cells}</tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def document_html(title: str, body: str, *, lang: str = "en-GB") -> str:
    """A whole HTML document around ``body`` (already HTML), in the house style."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_html.escape(title)}</title><style>{DOCUMENT_CSS}</style></head>"
        f"<body><h1>{_html.escape(title)}</h1>{body}</body></html>"
    )
