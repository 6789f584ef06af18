"""Every kind of chart highneeds draws keeps the house rules: axis titles, no mixed units on
one axis, one line per series, totals apart from parts, a size that reads, SVG that scales."""

import io
import re

import pandas as pd
import pytest

from highneeds import charts

YEARS = list(range(2024, 2031))

SUFFICIENCY = pd.DataFrame(
    {
        "January census year": YEARS * 2,
        "Type of provision": ["Maintained special"] * 7 + ["Independent special"] * 7,
        "Forecast demand (children)": [170 + i for i in range(7)] + [852 + i for i in range(7)],
        "Commissioned places": [160] * 7 + [800] * 7,
        "Chance of being short": [0.1 * i for i in range(7)] * 2,
    }
)
RATES = pd.DataFrame(
    {
        "January census year": YEARS,
        "EHCPs per 1,000 residents aged 0 to 25": [30 + i for i in range(7)],
        "Growth on a year before (%)": [5.0 + i for i in range(7)],
    }
)
S251 = pd.DataFrame(
    {
        "Section 251 line": [
            "1.2.1 Top-up funding – maintained schools",
            "1.2.3 Top-up and other funding – non-maintained and independent providers",
            "Total high needs",
        ],
        "Budget 2021-22": [12_000_000.0, 9_500_000.0, 21_500_000.0],
        "Outturn 2020-21": [11_000_000.0, 9_000_000.0, 20_000_000.0],
    }
)
FAN = pd.DataFrame(
    {
        "January census year": YEARS,
        **{
            name: [3000 + 50 * i + offset for i in range(7)]
            for name, offset in zip(charts.FAN, (-300, -150, 0, 150, 300), strict=True)
        },
    }
)
MONEY_LINES = pd.DataFrame(
    {"January census year": YEARS, "Baseline": [4.4e7 + 1e6 * i for i in range(7)]}
)


#: One table of every kind of chart, with its title.
EVERY_KIND = [
    (SUFFICIENCY, "Places against forecast demand by year"),
    (RATES, "Rates, growth and timeliness"),
    (S251, "High Needs spend by Section 251 line (£)"),
    (FAN, "Children with an EHCP, forecast"),
    (MONEY_LINES, "Annual High Needs cost by scenario (£)"),
]


def _axes_titles(fig):
    return [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes if ax.get_visible()]


@pytest.mark.parametrize(("frame", "title"), EVERY_KIND)
def test_every_axis_has_a_title_and_the_chart_a_sane_size(frame, title):
    fig = charts.table_figure(frame, title)
    for xlabel, ylabel in _axes_titles(fig):
        assert xlabel.strip() and ylabel.strip()
    width, height = fig.get_size_inches()
    assert 6 <= width <= 10 and 2.5 <= height <= 14
    png = charts.to_png(fig)
    assert png.startswith(b"\x89PNG") and 10_000 < len(png) < 600_000
    svg = charts.to_svg(fig).decode()
    root = svg[svg.index("<svg") : svg.index(">", svg.index("<svg"))]
    assert "viewBox" in root and not re.search(r'\swidth="', root), "SVG must scale"


def test_a_long_table_draws_one_line_per_type_and_one_unit_per_axis():
    fig = charts.table_figure(SUFFICIENCY, "Places against forecast demand by year")
    assert len(fig.axes) == 3  # demand, places, chance: never a chance on a children axis
    demand = fig.axes[0]
    assert demand.get_ylabel() == "Forecast demand (children)"
    lines = demand.get_lines()
    assert len(lines) == 2
    for line in lines:  # each line covers each year once: no jump from one type to the next
        assert len(line.get_xdata()) == len(YEARS)
        assert max(line.get_ydata()) - min(line.get_ydata()) < 10
    chance = fig.axes[2]
    assert chance.get_ylim() == (0, 1)
    assert chance.yaxis.get_major_formatter()(0.5, 0) == "50%"


def test_mixed_units_become_small_multiples():
    fig = charts.table_figure(RATES, "Rates, growth and timeliness")
    assert [ax.get_ylabel() for ax in fig.axes] == [
        "EHCPs per 1,000 residents aged 0 to 25",
        "Growth on a year before (%)",
    ]


def test_money_axis_reads_in_pounds_not_powers_of_ten():
    fig = charts.table_figure(MONEY_LINES, "Annual High Needs cost by scenario (£)")
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text()]
    assert ticks and all(t.startswith(("£", "−£")) and t.endswith("m") for t in ticks), ticks
    assert "£" in fig.axes[0].get_ylabel()


def test_totals_are_stated_not_drawn_beside_parts_and_bars_are_horizontal():
    fig = charts.table_figure(S251, "High Needs spend by Section 251 line (£)")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert not any(label.startswith("Total") for label in labels)
    assert len(labels) == 2
    bars = [p for p in ax.patches]
    assert all(p.get_width() > p.get_height() for p in bars)  # horizontal
    assert "Total high needs" in fig.get_supxlabel()
    assert "£21.50m" in fig.get_supxlabel()


def test_year_ticks_never_crowd():
    frame = pd.DataFrame({"January census year": range(2000, 2031), "EHCPs": range(31)})
    fig = charts.table_figure(frame, "EHCPs")
    assert len(fig.axes[0].get_xticks()) <= charts.MAX_YEAR_TICKS


def test_fan_draws_uncertainty_as_bands():
    fig = charts.table_figure(FAN, "Children with an EHCP, forecast")
    ax = fig.axes[0]
    assert len(ax.collections) == 2  # 95% and 80% bands
    assert ax.get_ylabel() == "Children"


def test_nothing_to_draw_is_a_clear_error():
    with pytest.raises(ValueError, match="no numbers to draw"):
        charts.table_figure(pd.DataFrame({"Note": ["a"]}), "Notes")


def test_png_is_readable():
    from PIL import Image

    image = Image.open(io.BytesIO(charts.to_png(charts.table_figure(RATES, "Rates"))))
    assert image.width >= 800


def test_consultation_charts_title_both_axes():
    from highneeds.consult.analysis.synthetic import build_responses
    from highneeds.consult.report import build_report

    responses, _ = build_responses(120, seed=3)
    report = build_report(responses)
    charted = [report.overall_chart, *(p.chart for p in report.proposals if p.chart)]
    assert charted
    for chart in charted:
        assert "% of those answering" in chart.svg
        assert chart.alt and len(chart.alt) > 40
    assert "Proposal" in report.overall_chart.svg  # the rows' axis is titled too
    assert all("Type of respondent" in p.chart.svg for p in report.proposals if p.chart)


@pytest.mark.parametrize(("frame", "title"), EVERY_KIND)
def test_the_phone_layout_is_half_as_wide_with_everything_inside(frame, title):
    """On a 390-pixel phone the narrow chart is scaled about 1.25 times (9 pt ticks ≈ 11 px)
    where the wide one would be scaled 0.6 times (≈ 5 px): the same titles, nothing outside
    the figure (legends above the plot, not beside it)."""
    wide, narrow = (charts.table_figure(frame, title, narrow=n) for n in (False, True))
    assert narrow.get_size_inches()[0] == charts.NARROW == charts.WIDE / 2
    assert _axes_titles(narrow) == _axes_titles(wide)
    narrow.canvas.draw()
    outside = narrow.bbox
    for ax in narrow.axes:
        legend = ax.get_legend()
        if legend is not None:
            box = legend.get_window_extent()
            assert box.x0 >= outside.x0 - 1 and box.x1 <= outside.x1 + 1, title
    ticks = narrow.axes[0].xaxis.get_ticklabels() + narrow.axes[0].yaxis.get_ticklabels()
    assert {label.get_fontsize() for label in ticks} == {charts.TICK_POINTS}


def test_long_year_labels_are_thinned_to_fit_a_phone():
    frame = pd.DataFrame(
        {"January census": [f"January {y}" for y in range(2015, 2028)], "Stockport": range(13)}
    )
    for narrow, room in ((False, 80), (True, 34)):
        ax = charts.table_figure(frame, "New EHC plans issued within 20 weeks (%)", narrow=narrow)
        shown = [t.get_text() for t in ax.axes[0].get_xticklabels() if t.get_text()]
        assert shown[0] == "January 2015" and len(shown) >= 2
        assert sum(len(text) + 2 for text in shown) <= room
