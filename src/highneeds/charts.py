"""Every chart highneeds draws, drawn to one set of house rules (matplotlib, no pyplot state,
so safe in web workers):

* every axis has a title with its unit; pound axes read £850k / £44.65m, never "1e7";
* one unit per axis: columns of different kinds (counts, %, rates, chances) become small
  multiples, one panel each, and a table in long form (a year per row per provision type)
  becomes one panel per measure with one line per type, never one zig-zag line;
* uncertainty is drawn as shaded bands around the central line;
* totals are not drawn beside their parts: they are left out and stated under the chart;
* year ticks are thinned so labels never overlap; long category labels go on horizontal bars;
* SVG carries a viewBox and no fixed size, so it scales to a phone's width; ``narrow=True``
  draws the phone's version (half as wide, legend above the plot, labels wrapped shorter), whose
  text stays as large on a 390-pixel screen as the wide one's on a desktop.
"""

from __future__ import annotations

import io
import math
import re

import pandas as pd

from highneeds import formatting
from highneeds.formatting import Kind, column_kind

#: GOV.UK colours that stay apart for most colour vision.
PALETTE = (
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#f47738",
    "#4c2c92",
    "#912b88",
    "#28a197",
    "#85994b",
    "#6f72af",
)
BAND_COLOUR = "#1d70b8"
TEXT_COLOUR = "#0b0c0c"
MAX_YEAR_TICKS = 8
#: Tick labels' size in points: the smallest text of a chart (tests check it stays readable).
TICK_POINTS = 9
#: Figure widths in inches: a desktop column, and a phone's (GOV.UK's breakpoint, 640 px).
WIDE, NARROW = 8.0, 4.0
_TIME_COLUMN = re.compile(r"year|date|census|month|period", re.IGNORECASE)
_TOTAL_ROW = re.compile(r"^\s*(total|all\b|all categories|grand total)", re.IGNORECASE)

#: Quantile columns of a forecast table, outer-low, inner-low, middle, inner-high, outer-high.
FAN = ("Lower 95% bound", "Lower 80% bound", "Median", "Upper 80% bound", "Upper 95% bound")

_AXIS_WORDS = {
    Kind.MONEY: "£ a year",
    Kind.PERCENT: "Per cent (%)",
    Kind.PROBABILITY: "Chance (%)",
    Kind.RATE: "Rate",
    Kind.COUNT: "Number",
    Kind.NUMBER: "Value",
    Kind.YEAR: "Year",
}
_COUNT_NOUNS = (
    ("ehcp", "EHCPs"),
    ("place", "Places"),
    ("child", "Children"),
    ("response", "Responses"),
    ("plan", "Plans"),
)


def figure(*, width: float = 8, height: float = 4.5, rows: int = 1):
    """A new Figure with ``rows`` panels stacked (a list of Axes), laid out so nothing clips."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height * rows if rows > 1 else height), layout="constrained")
    axes = fig.subplots(rows, 1, squeeze=False)[:, 0].tolist()
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(colors=TEXT_COLOUR, labelsize=TICK_POINTS)
    return fig, axes


def tick_formatter(kind: Kind):
    """Tick labels in the house number format for a value axis of ``kind``."""
    from matplotlib.ticker import FuncFormatter

    def label(value, _position):
        if kind is Kind.MONEY:
            return _money_tick(value)
        if kind is Kind.PERCENT:
            return formatting.percent(value, digits=0 if float(value).is_integer() else 1)
        if kind is Kind.PROBABILITY:
            return formatting.percent(value * 100, digits=0)
        if float(value).is_integer():
            return formatting.count(value)
        return formatting.rate(value)

    return FuncFormatter(label)


def _money_tick(value: float) -> str:
    """A tick on a pound axis, as short as it can be: £0, £500k, £2.5m, £10m."""
    sign, size = ("−" if value < 0 else ""), abs(value)
    for unit, scale in (("bn", 1e9), ("m", 1e6), ("k", 1e3)):
        if size >= scale:
            return f"{sign}£{size / scale:,.3g}{unit}"
    return f"{sign}£{size:,.0f}"


def value_axis(ax, kind: Kind, title: str, *, horizontal: bool = False, ticks: int = 5) -> None:
    """Title and tick format of the axis that carries the figures (at most ``ticks`` + 1)."""
    from matplotlib.ticker import MaxNLocator

    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_locator(MaxNLocator(nbins=ticks))
    axis.set_major_formatter(tick_formatter(kind))
    (ax.set_xlabel if horizontal else ax.set_ylabel)(title)
    ax.grid(axis="x" if horizontal else "y", alpha=0.3)
    if kind is Kind.PROBABILITY:
        (ax.set_xlim if horizontal else ax.set_ylim)(0, 1)


def axis_title(kind: Kind, headings: list[str], title: str = "") -> str:
    """The value axis's title: the one heading it carries, or its unit in words."""
    if len(headings) == 1 and kind is not Kind.MONEY:
        return headings[0]
    if kind is Kind.MONEY:
        return "£ (pounds)" if "a year" not in title and "year" not in title.lower() else "£ a year"
    if kind is Kind.COUNT:
        text = (" ".join(headings) + " " + title).lower()
        for stem, noun in _COUNT_NOUNS:
            if stem in text:
                return noun
    return _AXIS_WORDS[kind]


def year_ticks(ax, labels: list[str], *, narrow: bool = False) -> None:
    """Label positions 0..n-1 with ``labels`` (years as text), at most MAX_YEAR_TICKS shown,
    and no more than fit side by side ("January 2021" takes three times "2021"'s room)."""
    room = 34 if narrow else 80  # characters of tick labels across the plot
    longest = max((len(label) for label in labels), default=4) + 2
    most = max(2, min(MAX_YEAR_TICKS, room // longest))
    step = max(1, math.ceil(len(labels) / most))
    positions = list(range(0, len(labels), step))
    ax.set_xticks(positions, [labels[p] for p in positions])
    ax.set_xlim(-0.3, len(labels) - 0.7)


def fan(ax, x, bands, middle, *, middle_label: str = "Median") -> None:
    """Central line with shaded intervals; ``bands`` is [(low, high, label)], outer first."""
    alphas = (0.18, 0.32, 0.45)
    for (low, high, label), alpha in zip(bands, alphas, strict=False):
        ax.fill_between(x, low, high, color=BAND_COLOUR, alpha=alpha, linewidth=0, label=label)
    ax.plot(x, middle, color=TEXT_COLOUR, marker="o", markersize=3, label=middle_label)


def legend(ax, count: int, *, narrow: bool = False) -> None:
    """The series' names beside the plot, or (``narrow``) above it, where a phone has room."""
    if count <= 1:
        return
    if narrow:
        for line in ax.get_legend_handles_labels()[0]:
            line.set_label(_wrap(line.get_label(), 24))
        ax.legend(
            fontsize="small",
            frameon=False,
            loc="lower left",
            bbox_to_anchor=(0, 1.02),
            borderaxespad=0,
        )
    else:
        ax.legend(fontsize="small", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))


def to_svg(fig) -> bytes:
    """SVG that scales: a viewBox and no fixed width or height, and no date stamp (so the same
    figures give the same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue().decode("utf-8")
    start = text.index("<svg")
    end = text.index(">", start)
    root = re.sub(r'\s(width|height)="[^"]*"', "", text[start:end])
    root += ' preserveAspectRatio="xMidYMid meet" style="max-width:100%;height:auto"'
    return (text[:start] + root + text[end:]).encode("utf-8")


def to_png(fig, *, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def save(fig, fmt: str) -> bytes:
    """The figure as 'svg' or 'png' bytes."""
    if fmt == "svg":
        return to_svg(fig)
    if fmt == "png":
        return to_png(fig)
    raise ValueError(f"unknown chart format {fmt!r}: use svg or png")


# --- a page table as a chart ---------------------------------------------------------------


def is_fan(frame: pd.DataFrame) -> bool:
    return all(column in frame.columns for column in FAN)


def is_time_series(frame: pd.DataFrame) -> bool:
    return bool(_TIME_COLUMN.search(str(frame.columns[0])))


def numeric_series(frame: pd.DataFrame) -> list[str]:
    return [
        str(c)
        for c in frame.columns[1:]
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]


def category_column(frame: pd.DataFrame) -> str | None:
    """The text column that tells rows of one x apart when a table is in long form (each year
    once per provision type), else None."""
    x = frame.columns[0]
    if not frame[x].duplicated().any():
        return None
    for column in frame.columns[1:]:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            return str(column)
    return None


def table_figure(frame: pd.DataFrame, title: str, *, narrow: bool = False):
    """A page table drawn by the house rules: a fan for forecast quantiles, lines over time
    (one panel per unit, or per measure for a long table), else horizontal bars; ``narrow``
    for a phone's screen. Raises ValueError when the table has nothing to draw."""
    series = numeric_series(frame) if not frame.empty and frame.shape[1] >= 2 else []
    if not series:
        raise ValueError(f"{title}: this table has no numbers to draw")
    x = str(frame.columns[0])
    if is_fan(frame):
        return _fan_figure(frame, x, title, narrow)
    category = category_column(frame)
    if category is not None:
        return _long_figure(frame, x, category, series, title, narrow)
    if is_time_series(frame):
        return _lines_figure(frame, x, series, title, narrow)
    return _bars_figure(frame, x, series, title, narrow)


def _title(fig, title: str, narrow: bool = False) -> None:
    """The chart's title, left-aligned over the whole figure (never clipped by labels)."""
    fig.suptitle(_wrap(title, 40 if narrow else 80), x=0.01, ha="left", fontsize=11)


def _wrap(text: str, width: int = 30) -> str:
    """Long category labels on two or three lines rather than squeezing the bars."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _panels_by_kind(series: list[str], title: str) -> dict[Kind, list[str]]:
    groups: dict[Kind, list[str]] = {}
    for name in series:
        groups.setdefault(column_kind(name, title), []).append(name)
    return groups


def _fan_figure(frame, x, title, narrow=False):
    kind = column_kind("Median", title)
    fig, (ax,) = figure(width=NARROW if narrow else WIDE)
    labels = frame[x].astype(str).tolist()
    position = list(range(len(labels)))
    low95, low80, middle, high80, high95 = (frame[c].astype(float) for c in FAN)
    fan(ax, position, [(low95, high95, "95% interval"), (low80, high80, "80% interval")], middle)
    year_ticks(ax, labels, narrow=narrow)
    ax.set_xlabel(x)
    value_axis(ax, kind, axis_title(kind, [], title) if kind is Kind.MONEY else "Children")
    _title(fig, title, narrow)
    ax.legend(fontsize="small", frameon=False, loc="upper left")
    return fig


def _lines_figure(frame, x, series, title, narrow=False):
    groups = _panels_by_kind(series, title)
    height = (4.5 if len(groups) == 1 else 2.8) + (0.2 * len(series) if narrow else 0)
    fig, axes = figure(width=NARROW if narrow else WIDE, rows=len(groups), height=height)
    labels = frame[x].astype(str).tolist()
    position = list(range(len(labels)))
    for ax, (kind, names) in zip(axes, groups.items(), strict=True):
        for i, name in enumerate(names):
            ax.plot(
                position,
                frame[name].astype(float),
                marker="o",
                markersize=3,
                color=PALETTE[i % len(PALETTE)],
                label=name,
            )
        year_ticks(ax, labels, narrow=narrow)
        ax.set_xlabel(x)
        value_axis(ax, kind, axis_title(kind, names, title))
        legend(ax, len(names), narrow=narrow)
    _title(fig, title, narrow)
    return fig


def _long_figure(frame, x, category, series, title, narrow=False):
    """One panel per measure, one line per category: a long table never draws as one line
    that jumps from one category to the next."""
    years = list(dict.fromkeys(frame[x].astype(str)))
    groups = frame[category].nunique()
    height = (4.5 if len(series) == 1 else 2.8) + (0.2 * groups if narrow else 0)
    fig, axes = figure(width=NARROW if narrow else WIDE, rows=len(series), height=height)
    for ax, name in zip(axes, series, strict=True):
        kind = column_kind(name, title)
        wide = (
            frame.assign(**{x: frame[x].astype(str)})
            .pivot_table(index=x, columns=category, values=name, sort=False)
            .reindex(years)
        )
        for i, group in enumerate(wide.columns):
            ax.plot(
                range(len(years)),
                wide[group].astype(float),
                marker="o",
                markersize=3,
                color=PALETTE[i % len(PALETTE)],
                label=str(group),
            )
        year_ticks(ax, years, narrow=narrow)
        ax.set_xlabel(x)
        value_axis(ax, kind, name)
        legend(ax, len(wide.columns), narrow=narrow)
    _title(fig, title, narrow)
    return fig


def _bars_figure(frame, x, series, title, narrow=False):
    """Horizontal bars (long labels stay readable), one panel per unit; total rows are not
    drawn beside their parts but stated under the chart."""
    is_total = frame[x].astype(str).str.match(_TOTAL_ROW)
    parts, totals = frame[~is_total], frame[is_total]
    groups = _panels_by_kind(series, title)
    labels = [_wrap(label, 18 if narrow else 30) for label in parts[x].astype(str).tolist()[::-1]]
    per_label = 0.32 * max(1, len(series) / len(groups)) ** 0.5
    if narrow:  # wrapped labels take up to five lines: each bar gets room for the tallest
        tallest = max((label.count("\n") + 1 for label in labels), default=1)
        per_label = max(per_label, 0.17 * tallest)
    per_panel = per_label * len(labels) + 1.4 + (0.25 * len(series) if narrow else 0)
    fig, axes = figure(
        width=NARROW if narrow else WIDE, rows=len(groups), height=max(2.6, per_panel)
    )
    for ax, (kind, names) in zip(axes, groups.items(), strict=True):
        height = 0.8 / len(names)
        for i, name in enumerate(names):
            values = parts[name].astype(float).tolist()[::-1]
            positions = [p + (len(names) - 1 - i) * height for p in range(len(labels))]
            ax.barh(positions, values, height=height, color=PALETTE[i % len(PALETTE)], label=name)
        ax.set_yticks([p + 0.4 - height / 2 for p in range(len(labels))], labels)
        ax.set_ylabel(x)
        value_axis(
            ax, kind, axis_title(kind, names, title), horizontal=True, ticks=3 if narrow else 5
        )
        legend(ax, len(names), narrow=narrow)
    _title(fig, title, narrow)
    if not totals.empty:
        stated = "; ".join(
            f"{row[x]}: "
            + ", ".join(
                f"{name} {formatting.figure(row[name], column_kind(name, title))}"
                for name in series
            )
            for _, row in totals.iterrows()
        )
        fig.supxlabel(
            _wrap(f"Not drawn (a total of the bars above): {stated}", 60 if narrow else 150),
            fontsize=8,
            ha="left",
            x=0.01,
        )
    return fig
