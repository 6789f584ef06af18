"""The Cabinet / Scrutiny decision pack: a committee report in the structure English councils
use, with the officer's words and every number, chart and table filled by highneeds.

The officer writes the words in a TOML file (template ``data/strategy/decision_pack.toml``):
purpose, recommendations, background, the consultation outcome, financial, legal and equality
implications, risks and, after the meeting, the decision. highneeds adds the evidence — the
LA's need beside its statistical neighbours, region and England; the forecast; the money and
the DSG position; the Investment Position Statement; the strategy's KPIs — and the options
considered: the change programme's scenarios compared with their uncertainty.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.finance.scenarios import Scenario
from highneeds.formatting import money
from highneeds.plan.inputs import PlanInputs
from highneeds.plan.run import compare
from highneeds.readers.text import read_text
from highneeds.strategy.document import Block, Chart, Document, Section, Table
from highneeds.strategy.ips import InvestmentPosition, published_sufficiency
from highneeds.strategy.measures import MEASURE_BY_CODE, KpiData, format_value, period_label, values
from highneeds.strategy.track import KpiTracking, summary_for_display
from highneeds.suppression import DEFAULT_THRESHOLD

#: The measures shown as evidence of need, each beside neighbours, region and England.
NEED_MEASURES = (
    "ehcps",
    "ehcps_per_1000_aged_0_25",
    "new_plans",
    "issued_within_20_weeks_pct",
    "mainstream_pct",
    "independent_special_pct",
    "ap_pru_pct",
)


@dataclass(frozen=True)
class Risk:
    risk: str
    mitigation: str
    rating: str


@dataclass(frozen=True)
class Decision:
    date: dt.date
    decision: str
    scrutiny_comments: str = ""


@dataclass(frozen=True)
class PackText:
    """What the officer writes."""

    title: str
    meeting: str
    meeting_date: dt.date | None
    report_of: str
    purpose: str
    recommendations: tuple[str, ...]
    background: str
    consultation: str = ""
    financial: str = ""
    legal: str = ""
    equality: str = ""
    risks: tuple[Risk, ...] = ()
    decision: Decision | None = None


RATINGS = ("Low", "Medium", "High")


def read_pack_text(path: str | Path) -> PackText:
    """Read and check the officer's words; a mistake names the file and key."""
    path = Path(path)
    name = path.name
    try:
        data = tomllib.loads(read_text(path, "TOML"))
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(f"not a valid TOML file: {error}", file=name) from None
    return pack_text_from_dict(data, file=name)


def pack_text_from_dict(data: dict, *, file: str = "pack") -> PackText:
    """Check the officer's words as a mapping (a TOML file's, or the workspace's sections);
    a mistake names ``file`` and the key."""
    name = file

    def text(key: str, required: bool = True) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise InputFileError(f"{key} is required (a text)", file=name, column=key)
        return value.strip()

    def date(value, key: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise InputFileError("write the date as 2025-09-18", file=name, column=key)

    recommendations = data.get("recommendations")
    if (
        not isinstance(recommendations, list | tuple)
        or not recommendations
        or not all(isinstance(r, str) and r.strip() for r in recommendations)
    ):
        raise InputFileError(
            "recommendations must be a list of texts", file=name, column="recommendations"
        )
    risks = []
    for index, item in enumerate(data.get("risks") or [], start=1):
        where = f"risks[{index}]"
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item[k].strip() for k in ("risk", "mitigation")
        ):
            raise InputFileError(
                "each risk needs risk and mitigation texts", file=name, column=where
            )
        rating = str(item.get("rating", "Medium")).strip().capitalize()
        if rating not in RATINGS:
            raise InputFileError(f"rating must be {', '.join(RATINGS)}", file=name, column=where)
        risks.append(Risk(item["risk"].strip(), item["mitigation"].strip(), rating))
    decision = None
    if isinstance(data.get("decision"), dict):
        recorded = data["decision"]
        when = date(recorded.get("date"), "decision.date")
        words = recorded.get("decision")
        if when is None or not isinstance(words, str) or not words.strip():
            raise InputFileError(
                "a recorded decision needs its date and the decision", file=name, column="decision"
            )
        decision = Decision(
            when, words.strip(), str(recorded.get("scrutiny_comments") or "").strip()
        )
    return PackText(
        title=text("title"),
        meeting=text("meeting"),
        meeting_date=date(data.get("meeting_date"), "meeting_date"),
        report_of=text("report_of"),
        purpose=text("purpose"),
        recommendations=tuple(r.strip() for r in recommendations),
        background=text("background"),
        consultation=text("consultation", required=False),
        financial=text("financial", required=False),
        legal=text("legal", required=False),
        equality=text("equality", required=False),
        risks=tuple(risks),
        decision=decision,
    )


@dataclass
class PackEvidence:
    """The figures of a pack, computed once (so the document and any export agree)."""

    inputs: PlanInputs
    need: pd.DataFrame  # measure × (LA, neighbours, region, England), formatted
    need_year: str
    options: pd.DataFrame  # one row per scenario: words and figures, formatted
    option_costs: pd.DataFrame  # scenario, year, cost mean/q05/q95 (for the chart)
    dsg: pd.DataFrame  # baseline DSG path, formatted
    position: InvestmentPosition | None
    tracking: KpiTracking | None
    caseload: dict[str, pd.DataFrame]  # "age", "sex", "need" -> published table (if any)
    notes: list[str] = field(default_factory=list)
    #: The consultation's respondent profile (equality monitoring answers), each table
    #: already suppressed: question -> table of respondents.
    respondent_profile: dict[str, pd.DataFrame] = field(default_factory=dict)


def gather(
    inputs: PlanInputs,
    kpi_data: KpiData,
    scenarios: Sequence[Scenario],
    *,
    position: InvestmentPosition | None = None,
    tracking: KpiTracking | None = None,
    neighbours: str = "2021",
    simulations: int = 500,
    seed: int = 1,
    respondent_profile: dict[str, pd.DataFrame] | None = None,
) -> PackEvidence:
    """Compute the pack's evidence for the LA of ``inputs`` (scenarios share their draws)."""
    from highneeds import reference

    la = reference.find_la(inputs.la_code)
    others = reference.statistical_neighbours(la.la_code, model=neighbours)
    neighbour_codes = [str(c) for c in others["neighbour_code"]]
    need, need_year = _need_table(kpi_data, la, neighbour_codes, neighbours)
    result = compare(inputs, scenarios, None, simulations=simulations, seed=seed)
    return PackEvidence(
        inputs=inputs,
        need=need,
        need_year=need_year,
        options=_options(result.comparison, result.position),
        option_costs=result.comparison,
        dsg=_dsg(result.position),
        position=position,
        tracking=tracking,
        caseload=caseload_breakdowns(kpi_data.stats, la.la_code),
        notes=[n for n in dict.fromkeys(result.notes) if n not in set(inputs.notes())],
        respondent_profile=dict(respondent_profile or {}),
    )


def _need_table(
    kpi_data: KpiData, la, neighbour_codes: list[str], model: str
) -> tuple[pd.DataFrame, str]:
    from highneeds.reference.lookups import ENGLAND

    areas = [
        la.la_code,
        *neighbour_codes,
        ENGLAND[0],
        *([la.region_code] if la.region_code else []),
    ]
    caseload = values(MEASURE_BY_CODE["ehcps"], kpi_data, [la.la_code])
    year = int(caseload["year"].max())
    rows = []
    for code in NEED_MEASURES:
        measure = MEASURE_BY_CODE[code]
        frame = values(measure, kpi_data, areas)
        frame = frame[frame["year"] == year].set_index("area_code")["value"]
        present = [c for c in neighbour_codes if c in frame.index]
        rows.append(
            {
                "Measure": measure.label,
                la.la_name: format_value(measure.unit, frame.get(la.la_code)),
                f"Statistical neighbours (mean of {len(present)}, DfE {model} model)": format_value(
                    measure.unit, frame[present].mean() if present else None
                ),
                la.region_name or "Region": format_value(measure.unit, frame.get(la.region_code)),
                "England": format_value(measure.unit, frame.get(ENGLAND[0])),
            }
        )
    return pd.DataFrame(rows), period_label("january", year)


def _options(comparison: pd.DataFrame, position: pd.DataFrame) -> pd.DataFrame:
    last = int(comparison["year"].max())
    final = comparison[comparison["year"] == last].set_index("scenario")
    cumulative = comparison.groupby("scenario")["saving_gbp_mean"].sum()
    last_fy = position["financial_year"].max()
    balance = position[position["financial_year"] == last_fy].set_index("scenario")
    rows = []
    for scenario, row in final.iterrows():
        b = balance.loc[scenario]
        rows.append(
            {
                "Option": scenario,
                f"Children with a plan, January {last}": f"{row['children_mean']:,.0f} "
                f"({row['children_q05']:,.0f}–{row['children_q95']:,.0f})",
                f"Placement cost {last}": f"{money(row['cost_gbp_mean'])} "
                f"({money(row['cost_gbp_q05'])}–{money(row['cost_gbp_q95'])})",
                "Saving over the years": money(cumulative.get(scenario, 0.0)),
                f"DSG balance end of {last_fy}": f"{money(b['closing_balance_gbp'])} "
                f"({money(b['closing_balance_gbp_q05'])}–{money(b['closing_balance_gbp_q95'])})",
                "Chance of a deficit": f"{100 * b['probability_deficit']:.0f}%",
            }
        )
    return pd.DataFrame(rows)


def _dsg(position: pd.DataFrame) -> pd.DataFrame:
    base = position[position["scenario"] == position["scenario"].iloc[0]]
    return pd.DataFrame(
        {
            "Financial year": base["financial_year"],
            "High needs allocation": base["allocation_gbp"].map(money),
            "Placements": base["placements_gbp"].map(money),
            "Other high needs lines": base["other_lines_gbp"].map(money),
            "In year": base["in_year_gbp"].map(money),
            "Closing DSG balance (90% interval)": [
                f"{money(m)} ({money(lo)} to {money(hi)})"
                for m, lo, hi in zip(
                    base["closing_balance_gbp"],
                    base["closing_balance_gbp_q05"],
                    base["closing_balance_gbp_q95"],
                    strict=True,
                )
            ],
            "Chance of a deficit": base["probability_deficit"].map(lambda p: f"{100 * p:.0f}%"),
        }
    )


#: Breakdowns of the caseload the equality section shows: name -> (dimensions DfE releases
#: use for it, heading of its first column).
CASELOAD_BREAKDOWNS = {
    "age": (("age_band", "age"), "Age band"),
    "sex": (("sex",), "Sex"),
    "need": (("need",), "Primary need"),
}


def caseload_breakdowns(stats: pd.DataFrame, la_code: str) -> dict[str, pd.DataFrame]:
    """The LA's published EHCPs by age, sex and primary need in its latest January with each
    (only those the stored releases publish; published counts keep DfE's own suppression
    symbols, which is what DfE releases for publication)."""
    from highneeds.vocabulary import AGE_BAND_BY_CODE, NEED_BY_CODE

    words = {**{c: b.label for c, b in AGE_BAND_BY_CODE.items()}}
    words.update({c: n.label for c, n in NEED_BY_CODE.items()})
    out = {}
    for name, (dimensions, heading) in CASELOAD_BREAKDOWNS.items():
        rows = stats[
            (stats["area_code"] == la_code)
            & (stats["measure"] == "caseload")
            & (stats["setting"] == "total")
            & (stats["dimension"].isin(dimensions))
        ]
        if rows.empty:
            continue
        latest = rows[rows["year"] == rows["year"].max()]
        out[name] = pd.DataFrame(
            {
                heading: [
                    words.get(c, str(c).replace("_", " ").capitalize()) for c in latest["category"]
                ],
                f"EHC plans, January {int(latest['year'].max())}": [
                    f"{v:,.0f}" if pd.notna(v) else (s or "x")
                    for v, s in zip(latest["value"], latest["status"], strict=True)
                ],
            }
        )
    return out


def _equality_block(text: PackText, evidence: PackEvidence) -> Block:
    """The equality implications: the officer's words, the caseload by sex, age and need,
    and beside it who answered the consultation (its equality monitoring answers)."""
    la = evidence.inputs.la_name
    missing = [n for n in CASELOAD_BREAKDOWNS if n not in evidence.caseload]
    paragraphs = [p for p in [text.equality] if p]
    paragraphs.append(
        "Children and young people with an EHC plan by "
        + ", ".join(n for n in CASELOAD_BREAKDOWNS if n in evidence.caseload)
        + " (DfE published figures; their own suppression symbols kept)."
        if evidence.caseload
        else "No published breakdown of the caseload is in the store."
    )
    if missing:
        paragraphs.append(
            "The stored DfE release does not publish the caseload by "
            + " or ".join(missing)
            + " for this LA; import a newer release to add it."
        )
    tables = [
        Table(f"EHC plans in {la} by {name}", frame) for name, frame in evidence.caseload.items()
    ]
    if evidence.respondent_profile:
        paragraphs.append(
            "Who answered the consultation, from the optional equality monitoring questions. "
            f"Counts from 1 to {DEFAULT_THRESHOLD - 1} are shown as c, with further cells hidden "
            "where a total would give them back."
        )
        tables += [
            Table(f"Consultation respondents: {question}", frame)
            for question, frame in evidence.respondent_profile.items()
        ]
    else:
        paragraphs.append("No consultation is linked to this report, so no respondent profile.")
    return Block(paragraphs=paragraphs, tables=tables)


def options_chart(comparison: pd.DataFrame) -> Chart:
    """Placement cost by year for each option, with its 90% band; £m on the axis."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, 3.2), dpi=100)
    axes = figure.add_subplot()
    styles = ["-", "--", ":", "-."]
    colours = ["#505a5f", "#1d70b8", "#00703c", "#f47738", "#912b88"]
    parts = []
    for index, (scenario, rows) in enumerate(comparison.groupby("scenario", sort=False)):
        colour = colours[index % len(colours)]
        axes.plot(
            rows["year"],
            rows["cost_gbp_mean"] / 1e6,
            styles[index % 4],
            color=colour,
            label=scenario,
        )
        axes.fill_between(
            rows["year"],
            rows["cost_gbp_q05"] / 1e6,
            rows["cost_gbp_q95"] / 1e6,
            color=colour,
            alpha=0.12,
        )
        last = rows.iloc[-1]
        parts.append(f"{scenario}: {money(last['cost_gbp_mean'])} in {int(last['year'])}")
    years = sorted(comparison["year"].unique())
    axes.set_xticks(years, [str(y) for y in years], fontsize=7)
    axes.set_xlabel("January census of each year", fontsize=8)
    axes.set_ylabel("Placement cost (£ million a year)", fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.tight_layout()
    return Chart(
        figure, "Placement cost by option, with 90% intervals shaded. " + "; ".join(parts) + "."
    )


def pack_document(text: PackText, evidence: PackEvidence) -> Document:
    la = evidence.inputs.la_name
    when = f", {text.meeting_date:%-d %B %Y}" if text.meeting_date else ""
    numbered = [f"{i}. {r}" for i, r in enumerate(text.recommendations, start=1)]
    sections = [
        Section(
            "1. Purpose of the report",
            [Block(paragraphs=[f"Report of the {text.report_of}.", text.purpose])],
            new_page=False,
        ),
        Section("2. Recommendations", [Block(paragraphs=numbered)], new_page=False),
        Section("3. Background", [Block(paragraphs=[text.background])], new_page=False),
        Section("4. Evidence", _evidence_blocks(evidence)),
        Section(
            "5. Consultation outcome",
            [
                Block(
                    paragraphs=[
                        text.consultation or "No consultation outcome is attached to this report."
                    ]
                )
            ],
            new_page=False,
        ),
        Section(
            "6. Options considered",
            [
                Block(
                    paragraphs=[
                        "Each option is forecast and costed on the same simulated futures as the "
                        "baseline, so the differences between them are not noise. Figures in "
                        "brackets are 90% intervals."
                    ],
                    charts=[options_chart(evidence.option_costs)],
                    tables=[Table("The options compared", evidence.options)],
                )
            ],
        ),
        Section(
            "7. Financial implications",
            [
                Block(
                    paragraphs=[p for p in [text.financial] if p]
                    + ["The Dedicated Schools Grant position if nothing changes (the baseline):"],
                    tables=[Table("DSG position, baseline", evidence.dsg)],
                )
            ],
        ),
        Section(
            "8. Legal implications",
            [Block(paragraphs=[text.legal or "None stated."])],
            new_page=False,
        ),
        Section("9. Equality implications", [_equality_block(text, evidence)], new_page=False),
        Section("10. Risks", [_risks_block(text.risks)], new_page=False),
        Section(
            "Appendix: what the figures rest on",
            [
                Block(
                    paragraphs=[*evidence.inputs.notes(), *evidence.notes],
                    tables=[
                        Table(
                            "Inputs and their sources",
                            evidence.inputs.sources_table().rename(
                                columns={"input": "Input", "source": "Source", "detail": "Detail"}
                            ),
                        )
                    ],
                )
            ],
        ),
    ]
    if text.decision is not None:
        d = text.decision
        sections.append(
            Section(
                "Decision",
                [
                    Block(
                        paragraphs=[f"{text.meeting}, {d.date:%-d %B %Y}: {d.decision}"]
                        + (
                            [f"Scrutiny comments: {d.scrutiny_comments}"]
                            if d.scrutiny_comments
                            else []
                        )
                    )
                ],
            )
        )
    return Document(
        title=text.title,
        subtitle=f"{text.meeting}{when} · {la}",
        sections=sections,
    )


def _evidence_blocks(evidence: PackEvidence) -> list[Block]:
    blocks = [
        Block(
            heading="Need",
            paragraphs=[
                f"{evidence.inputs.la_name} beside its statistical neighbours, its region and "
                f"England, {evidence.need_year}."
            ],
            tables=[
                Table(
                    f"Need, {evidence.need_year}",
                    evidence.need,
                    "DfE, Education, health and care plans",
                )
            ],
        )
    ]
    if evidence.position is not None:
        position = evidence.position
        blocks.append(
            Block(
                heading="Places (Investment Position Statement)",
                paragraphs=[
                    "Specialist places against forecast demand once the planned places open; "
                    "the full statement is published alongside."
                ],
                tables=[
                    Table(
                        "Places once planned places open",
                        published_sufficiency(position.with_plans),
                    )
                ],
            )
        )
    if evidence.tracking is not None:
        summary = summary_for_display(evidence.tracking)
        blocks.append(
            Block(
                heading="Strategy KPIs",
                tables=[
                    Table(
                        "Every KPI at a glance",
                        summary[["KPI", "Measure", "Baseline", "Latest", "Target", "Status"]],
                    )
                ],
            )
        )
    return blocks


def _risks_block(risks: Sequence[Risk]) -> Block:
    if not risks:
        return Block(paragraphs=["None stated."])
    table = pd.DataFrame(
        {
            "Risk": [r.risk for r in risks],
            "Mitigation": [r.mitigation for r in risks],
            "Rating": [r.rating for r in risks],
        }
    )
    return Block(tables=[Table("Risks and how they are managed", table)])
