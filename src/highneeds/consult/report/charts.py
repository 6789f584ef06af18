"""Charts for the outcome report, as SVG (HTML, PDF) and PNG (DOCX), each with a text alternative.

Only figures a reader may see are drawn: a group whose published row hides any count is left
out of a chart, because its bar lengths would give the hidden counts back.
"""

from __future__ import annotations

import io

import pandas as pd

from highneeds.consult.analysis.schema import AGREEMENT_LABELS, AGREEMENT_SCALE

# GOV.UK palette: blues for agreement, grey for neither, orange/red for disagreement.
COLOURS = ["#1d70b8", "#5694ca", "#b1b4b6", "#f47738", "#d4351c"]


# The phone's drawing: a narrow figure whose text is not shrunk to a third when an A4-wide
# drawing is fitted to a 360-pixel screen. Row labels wrap at this many characters.
NARROW_WIDTH_INCHES = 4.2
NARROW_LABEL_CHARACTERS = 16


def stacked_agreement_figure(
    percentages: pd.DataFrame, title: str, ylabel: str = "", *, narrow: bool = False
):
    """Horizontal stacked bars: one row per label (index), one column per scale answer (0-100);
    ``ylabel`` names what the rows are (house rule: every axis has a title). ``narrow`` draws
    the phone's version: the same bars, labels wrapped, the key in two columns.

    Bars are labelled with their percentage where wide enough; returns a matplotlib Figure
    (no pyplot state, safe in web workers).
    """
    import textwrap

    from matplotlib.figure import Figure

    table = percentages.reindex(columns=list(AGREEMENT_SCALE)).fillna(0).iloc[::-1]
    if narrow:
        table.index = [
            "\n".join(textwrap.wrap(str(label), NARROW_LABEL_CHARACTERS)) for label in table.index
        ]
        size = (NARROW_WIDTH_INCHES, 0.6 * len(table) + 2.2)
    else:
        size = (7.5, 0.45 * len(table) + 1.6)
    figure = Figure(figsize=size, dpi=100)
    axes = figure.add_subplot()
    left = pd.Series(0.0, index=table.index)
    for answer, colour in zip(AGREEMENT_SCALE, COLOURS, strict=True):
        bars = axes.barh(
            table.index,
            table[answer],
            left=left,
            color=colour,
            label=AGREEMENT_LABELS[answer],
            edgecolor="white",
            linewidth=0.5,
        )
        text_colour = "black" if answer in ("neither", "agree") else "white"
        for bar, value in zip(bars, table[answer], strict=True):
            if value >= (12 if narrow else 7):
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{value:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=text_colour,
                )
        left += table[answer]
    axes.set_xlim(0, 100)
    axes.set_xlabel("% of those answering on the five-point scale")
    if ylabel:
        axes.set_ylabel(ylabel)
    axes.set_title(
        "\n".join(textwrap.wrap(title, 40)) if narrow else title,
        loc="left",
        fontsize=11,
        pad=52 if narrow else 24,
    )
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="y", labelsize=9)
    # The key sits between the title and the bars, clear of the axis label.
    axes.legend(
        ncols=2 if narrow else 5,
        fontsize=7,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
    )
    figure.tight_layout()
    return figure


def text_alternative(percentages: pd.DataFrame, title: str) -> str:
    """A sentence per bar, for screen readers and for anyone who cannot see the colours."""
    parts = []
    for label, row in percentages.iterrows():
        agree = row.get("strongly_agree", 0) + row.get("agree", 0)
        disagree = row.get("disagree", 0) + row.get("strongly_disagree", 0)
        parts.append(
            f"{label}: {agree:.0f}% agree or strongly agree, {row.get('neither', 0):.0f}% "
            f"neither, {disagree:.0f}% disagree or strongly disagree"
        )
    return f"{title}. " + "; ".join(parts) + ". The table below gives the figures."


def chart_images(percentages: pd.DataFrame, title: str, ylabel: str) -> dict:
    """The figure as every format the report uses: SVG at page width (HTML, PDF), SVG for a
    phone (HTML), PNG (Word), and the text alternative."""
    figure = stacked_agreement_figure(percentages, title, ylabel)
    return {
        "svg": to_svg(figure),
        "narrow_svg": to_svg(stacked_agreement_figure(percentages, title, ylabel, narrow=True)),
        "png": to_png(figure),
        "alt": text_alternative(percentages, title),
    }


def to_svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def to_png(figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()
