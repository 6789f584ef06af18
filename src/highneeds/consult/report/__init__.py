"""The consultation outcome report: HTML, PDF (WeasyPrint) and DOCX (python-docx).

``build_report(responses, ...)`` gathers everything (agreement with intervals, suppressed tables,
charts with text alternatives, themes with quotes, the review share and the council's "we asked,
you said, we did" text) into an ``OutcomeReport``; ``render_html``, ``render_pdf`` and
``render_docx`` turn it into a file. No Django here: the web app and the CLI both call this.
"""

from highneeds.consult.report.build import OutcomeReport, build_report
from highneeds.consult.report.inputs import ProposalOutcome, WeDid, read_we_did, we_did_from_dict
from highneeds.consult.report.render import render, render_docx, render_html, render_pdf

__all__ = [
    "OutcomeReport",
    "ProposalOutcome",
    "WeDid",
    "build_report",
    "read_we_did",
    "render",
    "render_docx",
    "render_html",
    "render_pdf",
    "we_did_from_dict",
]
