"""The Investment Position Statement: where specialist places will be short or spare over the
next years, what the LA intends to commission, and the capital that needs.

Built from the LA's plan inputs (:func:`highneeds.plan.inputs.resolve`: its forecast model,
capacity register and unit costs) and its places register:

* **sufficiency** — forecast demand against commissioned places by type of place and year,
  with the chance of being short, as things stand: the capacity register plus places the
  register says opened or closed after it;
* **with plans** — the same once the register's planned places open;
* **commissioning intentions** — the planned places, by type, year and scheme;
* **capital** — planned places and any shortfall left after them, priced per place by stated
  assumptions (:data:`CAPITAL_COST_PER_PLACE`, overridable);
* **demand by phase** — the forecast caseload by age band (phase) and type of place.

Every published table is rounded to whole children and passed through the small-number rules
of :mod:`highneeds.suppression`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from highneeds.formatting import money
from highneeds.plan.inputs import PlanInputs
from highneeds.plan.run import run_plan
from highneeds.strategy.places import SPECIALIST_CATEGORIES, capacity_with_register
from highneeds.suppression import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    published_counts,
    suppression_mask,
    with_totals,
)
from highneeds.vocabulary import AGE_BAND_BY_CODE, FUNDING_CATEGORY_BY_CODE, age_band_of_ncy

#: Capital cost of one new place, pounds (2022 prices), by type of place. Example assumptions
#: for a first estimate, not published figures: no sourced national cost per specialist place
#: ships with highneeds (DfE's school places scorecards publish one; enter it, or the LA's own
#: from its capital programme, in the strategy file's [capital_costs] or the workspace). Every
#: IPS lists the costs it used and says which are assumptions. Independent places are bought,
#: not built.
CAPITAL_COST_PER_PLACE = {
    "maintained_special": 80_000,
    "resourced_provision": 40_000,
    "hospital_ap": 60_000,
    "independent_special": 0,
}
YEARS_AHEAD = 5

LABELS = {
    "year": "January",
    "funding_category": "Type of place",
    "demand": "Forecast children (mean)",
    "places": "Places",
    "gap": "Places less children",
    "probability_short": "Chance of too few places",
    "planned_places": "Planned places",
    "academic_year": "Academic year",
    "scheme": "Scheme",
    "designated_needs": "Designated needs",
    "source": "Source",
    "shortfall_after_plans": "Places still short after plans (largest)",
    "cost_per_place_gbp": "Capital cost per place (£)",
    "capital_for_plans_gbp": "Capital for planned places (£)",
    "capital_for_shortfall_gbp": "Capital for the remaining shortfall (£)",
    "age_band": "Age band",
}


@dataclass
class InvestmentPosition:
    la_code: str
    la_name: str
    origin: int
    last_year: int
    model: str
    sufficiency: pd.DataFrame
    with_plans: pd.DataFrame
    intentions: pd.DataFrame
    capital: pd.DataFrame
    demand_by_phase: pd.DataFrame  # year, age_band, funding_category, demand (mean children)
    capital_costs: dict[str, float]
    notes: list[str] = field(default_factory=list)
    sources: pd.DataFrame | None = None
    #: Types of place whose capital cost the LA set (the rest are example assumptions).
    capital_costs_set: tuple[str, ...] = ()


def _planned_as_opened(register: pd.DataFrame) -> pd.DataFrame:
    planned = register[register["status"] == "planned"]
    return planned.assign(status="opened")


def investment_position(
    inputs: PlanInputs,
    register: pd.DataFrame | None = None,
    *,
    capital_costs: dict[str, float] | None = None,
    simulations: int = 500,
    seed: int = 1,
    years: int = YEARS_AHEAD,
) -> InvestmentPosition:
    """The LA's investment position over ``years`` after its forecast origin."""
    costs = {**CAPITAL_COST_PER_PLACE, **(capital_costs or {})}
    last = inputs.origin + years
    register = register if register is not None else pd.DataFrame(columns=["status", "year"])
    # the register is applied here (the one given, or the stored one): from the capacity
    # before resolve applied the stored register, so no place is counted twice
    base = inputs.capacity_before_register
    base = inputs.capacity if base is None else base
    first_year = int(base["year"].min()) if base is not None else None
    notes = list(inputs.notes())
    capacity_now = base
    if base is not None and not register.empty:
        capacity_now = capacity_with_register(base, register, after=first_year)
        notes.append(
            f"Places the register opened or closed after January {first_year} are added to the "
            "capacity register; earlier ones are taken to be in it already."
        )
    now_run, run_notes = run_plan(
        replace(inputs, capacity=capacity_now),
        [],
        simulations=simulations,
        seed=seed,
        last_year=last,
    )
    notes += run_notes
    baseline = now_run.costed()["Baseline"]
    sufficiency = _specialist(baseline.attrs["sufficiency"], inputs.origin)
    planned = _planned_as_opened(register)
    if planned.empty or capacity_now is None:
        with_plans = sufficiency.copy()
    else:
        plan_run, _ = run_plan(
            replace(inputs, capacity=capacity_with_register(capacity_now, planned, after=None)),
            [],
            simulations=simulations,
            seed=seed,
            last_year=last,
        )
        with_plans = _specialist(plan_run.costed()["Baseline"].attrs["sufficiency"], inputs.origin)
    intentions = _intentions(register, inputs.origin, last)
    return InvestmentPosition(
        la_code=inputs.la_code,
        la_name=inputs.la_name,
        origin=inputs.origin,
        last_year=last,
        model=inputs.model,
        sufficiency=sufficiency,
        with_plans=with_plans,
        intentions=intentions,
        capital=_capital(with_plans, intentions, costs),
        demand_by_phase=_by_phase(baseline),
        capital_costs=costs,
        notes=notes,
        sources=inputs.sources_table(),
        capital_costs_set=tuple(c for c in (capital_costs or {}) if c in costs),
    )


def _specialist(table: pd.DataFrame, origin: int) -> pd.DataFrame:
    """The forecast years' rows for specialist places; float noise of a zero gap is zero."""
    out = table[(table["year"] > origin) & table["funding_category"].isin(SPECIALIST_CATEGORIES)]
    out = out.copy()
    out["gap"] = out["gap"].where(out["gap"].abs() > 1e-6, 0.0)
    return out.sort_values(["funding_category", "year"]).reset_index(drop=True)


def _intentions(register: pd.DataFrame, origin: int, last: int) -> pd.DataFrame:
    columns = ["funding_category", "academic_year", "year", "scheme", "designated_needs"]
    planned = register[register["status"] == "planned"] if not register.empty else register
    if planned.empty:
        return pd.DataFrame(columns=[*columns, "planned_places", "source"])
    out = planned.rename(columns={"places": "planned_places"})
    out = out[(out["year"] > origin) & (out["year"] <= last)]
    return out[[*columns, "planned_places", "source"]].sort_values(["year", "scheme"])


def _capital(with_plans: pd.DataFrame, intentions: pd.DataFrame, costs: dict) -> pd.DataFrame:
    rows = []
    for category in SPECIALIST_CATEGORIES:
        gaps = with_plans.loc[with_plans["funding_category"] == category, "gap"]
        if gaps.empty and category not in set(intentions["funding_category"]):
            continue
        short = float(max(0.0, -gaps.min())) if not gaps.empty else 0.0
        planned = int(
            intentions.loc[intentions["funding_category"] == category, "planned_places"].sum()
        )
        per_place = float(costs.get(category, 0))
        rows.append(
            {
                "funding_category": category,
                "planned_places": planned,
                "shortfall_after_plans": round(short),
                "cost_per_place_gbp": per_place,
                "capital_for_plans_gbp": planned * per_place,
                "capital_for_shortfall_gbp": round(short) * per_place,
            }
        )
    return pd.DataFrame(rows)


def _by_phase(baseline: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(baseline)
    frame.attrs = {}  # the costed frame carries its sufficiency table; not wanted here
    if "age_band" not in frame.columns and "ncy" in frame.columns:
        frame = frame.assign(age_band=frame["ncy"].map(age_band_of_ncy))
    keys = ["year", "age_band", "funding_category"]
    sims = frame["simulation"].nunique() if "simulation" in frame.columns else 1
    out = frame.groupby(keys, as_index=False)["count"].sum()
    out["demand"] = out["count"] / sims
    return out.drop(columns=["count"])


# ------------------------------------------------------------------------------------------
# Publication: whole children, small numbers suppressed, words for codes
# ------------------------------------------------------------------------------------------


def published_sufficiency(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Sufficiency as published: demand rounded and ``c`` from 1 to threshold − 1 (and the gap
    with it, which would give it back); places and chances as they are."""
    out = table.copy()
    demand = out["demand"].round().astype(int)
    small = (demand > 0) & (demand < threshold)
    out["demand"] = demand.map(lambda v: f"{v:,}").where(~small, SUPPRESSED)
    out["gap"] = out["gap"].round().astype(int).map(lambda v: f"{v:+,}").where(~small, SUPPRESSED)
    out["places"] = out["places"].round().astype(int).map(lambda v: f"{v:,}")
    out["probability_short"] = out["probability_short"].map(lambda p: f"{100 * p:.0f}%")
    out["funding_category"] = out["funding_category"].map(_category_label)
    return out.rename(columns=LABELS)[
        [
            LABELS[c]
            for c in ("funding_category", "year", "demand", "places", "gap", "probability_short")
        ]
    ]


def published_phase_table(
    demand_by_phase: pd.DataFrame, year: int, threshold: int = DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """Forecast children in ``year`` by age band × type of place, with totals, suppressed."""
    rows = demand_by_phase[demand_by_phase["year"] == year]
    counts = rows.pivot_table(
        index="age_band", columns="funding_category", values="demand", aggfunc="sum", fill_value=0
    )
    order = [b for b in AGE_BAND_BY_CODE if b in counts.index]
    counts = counts.reindex(order).round().astype(int)
    counts.columns = [_category_label(c) for c in counts.columns]
    counts.index = [AGE_BAND_BY_CODE[b].label for b in counts.index]
    full = with_totals(counts)
    hidden = suppression_mask(full, threshold)
    out = published_counts(full, hidden)
    out.index.name = "Age band"
    return out


def _category_label(code: str) -> str:
    return FUNDING_CATEGORY_BY_CODE[code].label if code in FUNDING_CATEGORY_BY_CODE else code


# ------------------------------------------------------------------------------------------
# The document
# ------------------------------------------------------------------------------------------


def sufficiency_chart(position: InvestmentPosition):
    """Per type of place: forecast children against places as things stand and with plans.
    Small multiples, one per type, so each has its own scale and one unit (children)."""
    from matplotlib.figure import Figure

    from highneeds.strategy.document import Chart

    categories = list(dict.fromkeys(position.sufficiency["funding_category"]))
    figure = Figure(figsize=(7.0, 2.6 * max(1, len(categories))), dpi=100)
    parts = []
    for index, category in enumerate(categories, start=1):
        axes = figure.add_subplot(len(categories), 1, index)
        now = position.sufficiency[position.sufficiency["funding_category"] == category]
        planned = position.with_plans[position.with_plans["funding_category"] == category]
        axes.plot(
            now["year"], now["demand"], "-o", color="#1d70b8", ms=3, label="Forecast children"
        )
        axes.step(
            now["year"], now["places"], "--", where="mid", color="#505a5f", label="Places now"
        )
        axes.step(
            planned["year"],
            planned["places"],
            ":",
            where="mid",
            color="#00703c",
            label="Places with plans",
        )
        axes.set_title(_category_label(category), loc="left", fontsize=9)
        axes.set_ylabel("Children or places", fontsize=8)
        axes.set_xlabel("January census", fontsize=8)
        axes.set_xticks(list(now["year"]), [str(y) for y in now["year"]], fontsize=7)
        axes.tick_params(axis="y", labelsize=7)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
        last = now.iloc[-1]
        parts.append(
            f"{_category_label(category)}: {last['demand']:,.0f} children forecast in January "
            f"{int(last['year'])} against {last['places']:,.0f} places now and "
            f"{planned.iloc[-1]['places']:,.0f} with plans"
        )
    figure.tight_layout()
    return Chart(figure, "; ".join(parts) + ". The tables give every year.")


def ips_document(position: InvestmentPosition, threshold: int = DEFAULT_THRESHOLD):
    from highneeds.strategy.document import Block, Document, Section, Table

    years = f"January {position.origin + 1} to January {position.last_year}"
    short = position.with_plans[position.with_plans["gap"] < 0]
    summary = [
        f"This statement looks at specialist places for children and young people with an "
        f"EHC plan in {position.la_name}, {years}. It sets the forecast of children needing "
        "each type of place against the places commissioned now and once planned places open.",
    ]
    if short.empty:
        summary.append("With the planned places, no type of place is forecast to be short.")
    else:
        worst = short.sort_values("gap").iloc[0]
        summary.append(
            f"Even with the planned places, {_category_label(worst['funding_category']).lower()} "
            f"are forecast to be about {-worst['gap']:,.0f} places short in January "
            f"{int(worst['year'])} (chance of too few places: "
            f"{100 * worst['probability_short']:.0f}%)."
        )
    capital = position.capital.copy()
    total = capital["capital_for_plans_gbp"].sum() + capital["capital_for_shortfall_gbp"].sum()
    summary.append(
        f"Capital needed: about {money(total)} at the assumed costs per place "
        f"({money(capital['capital_for_plans_gbp'].sum())} for the planned places, "
        f"{money(capital['capital_for_shortfall_gbp'].sum())} for the shortfall left after them)."
    )
    capital_shown = capital.assign(
        funding_category=capital["funding_category"].map(_category_label),
        planned_places=capital["planned_places"].map(lambda v: f"{v:,}"),
        shortfall_after_plans=capital["shortfall_after_plans"].map(lambda v: f"{v:,}"),
        cost_per_place_gbp=capital["cost_per_place_gbp"].map(money),
        capital_for_plans_gbp=capital["capital_for_plans_gbp"].map(money),
        capital_for_shortfall_gbp=capital["capital_for_shortfall_gbp"].map(money),
    ).rename(columns=LABELS)
    intentions = position.intentions.assign(
        funding_category=lambda f: f["funding_category"].map(_category_label),
        planned_places=lambda f: f["planned_places"].map(lambda v: f"{v:,}"),
    )
    intentions = intentions.drop(columns=["year"]).rename(columns=LABELS)
    assumptions = pd.DataFrame(
        {
            "Type of place": [_category_label(c) for c in position.capital_costs],
            "Capital cost per place": [money(v) for v in position.capital_costs.values()],
            "Basis": [
                "Set by the LA"
                if c in position.capital_costs_set
                else "Example assumption (not a published figure)"
                for c in position.capital_costs
            ],
        }
    )
    sources = position.sources.rename(
        columns={"input": "Input", "source": "Source", "detail": "Detail"}
    )
    sections = [
        Section("Summary", [Block(paragraphs=summary)], new_page=False),
        Section(
            "Places against forecast demand",
            [
                Block(
                    paragraphs=[
                        "Forecast children are the mean over the simulations of the "
                        f"{'child-level' if position.model == 'child-level' else 'public-data'} "
                        "model; the chance of too few places is the share of simulated futures "
                        "with more children than places."
                    ],
                    charts=[sufficiency_chart(position)],
                    tables=[
                        Table(
                            "As things stand",
                            published_sufficiency(position.sufficiency, threshold),
                        ),
                        Table(
                            "Once the planned places open",
                            published_sufficiency(position.with_plans, threshold),
                        ),
                    ],
                )
            ],
        ),
        Section(
            "What we intend to commission",
            [
                Block(
                    paragraphs=["Planned places from the places register."]
                    if not intentions.empty
                    else ["The places register plans no new places in these years."],
                    tables=[Table("Planned places", intentions)] if not intentions.empty else [],
                ),
                Block(
                    heading="Capital",
                    paragraphs=[
                        "Capital is priced per new place by the costs below; independent "
                        "places are bought, not built. Costs marked as example assumptions are "
                        "highneeds' own round figures, not published ones: set the LA's own from "
                        "its capital programme or DfE's school places scorecards."
                    ],
                    tables=[
                        Table("Capital for places", capital_shown),
                        Table("Assumed capital cost per place", assumptions),
                    ],
                ),
            ],
        ),
        Section(
            "Children by age band and type of place",
            [
                Block(
                    paragraphs=[
                        f"Forecast children in January {position.last_year} by where they are "
                        "placed: once places of a type are full, the model places further "
                        "children in independent special schools. Counts from 1 to "
                        f"{threshold - 1} are shown as c, with further cells hidden where a total "
                        "would give them back."
                    ],
                    tables=[
                        Table(
                            f"Forecast children in January {position.last_year}",
                            published_phase_table(
                                position.demand_by_phase, position.last_year, threshold
                            ),
                        )
                    ],
                )
            ],
        ),
        Section(
            "What this rests on",
            [Block(paragraphs=position.notes, tables=[Table("Inputs and their sources", sources)])],
        ),
    ]
    return Document(
        title=f"{position.la_name}: Investment Position Statement for specialist places",
        subtitle=f"Forecast and places, {years}",
        sections=sections,
    )
