"""Where an LA's High Needs money goes, beside its statistical neighbours and England.

Built on the published tables shipped with highneeds (:mod:`highneeds.finance.bundled`): the
Section 251 budget 2021-22 and outturn 2020-21 on the high needs lines, EHCPs by provision type,
the 2–18 population, high needs block allocations 2020-21 to 2023-24 and the cumulative DSG
balance. Money is in cash pounds; "per head" is per resident aged 2–18 (ONS mid-2021
projection, as in the benchmarking data); "per EHCP" is per child or young person aged up to
25 with a plan, as counted in the same data.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import pandas as pd

from highneeds import reference
from highneeds.errors import NotFoundError
from highneeds.finance.bundled import ATTRIBUTION, table
from highneeds.finance.published import PUBLISHED_LINE_BY_CODE, PUBLISHED_LINES
from highneeds.reference import ENGLAND_CODE
from highneeds.reference.sheets import normalise_label

#: Statistical neighbour model used by default: the 2021 model matches the 2021-22 money data.
NEIGHBOUR_MODEL = "2021"


@dataclass(frozen=True)
class ProvisionType:
    """A provision type whose implied unit cost the published data lets us estimate."""

    code: str
    label: str
    funding_categories: tuple[str, ...]
    #: (published line, phase) pairs whose spend falls on this provision type.
    spend: tuple[tuple[str, str], ...]
    caveat: str = ""


_PHASE_LINES = ("place_funding", "top_up_maintained", "top_up_independent")

#: Implied unit cost = spend on these lines ÷ EHCPs in these funding categories.
PROVISION_TYPES: tuple[ProvisionType, ...] = (
    ProvisionType(
        "mainstream_and_resourced",
        "Mainstream and resourced provision / SEN units",
        ("mainstream", "resourced_provision"),
        tuple((line, phase) for line in _PHASE_LINES for phase in ("primary", "secondary")),
        "place funding here pays for resourced places; element 2 (first £6,000) is not in S251",
    ),
    ProvisionType(
        "maintained_special",
        "Maintained special schools and special academies",
        ("maintained_special",),
        (("place_funding", "special"), ("top_up_maintained", "special")),
    ),
    ProvisionType(
        "independent_special",
        "Independent and non-maintained special schools",
        ("independent_special",),
        (("top_up_independent", "special"),),
    ),
    ProvisionType(
        "hospital_ap",
        "Hospital schools and alternative provision",
        ("hospital_ap",),
        tuple((line, "ap_pru") for line in _PHASE_LINES),
        "AP places also serve pupils without EHCPs, so this overstates a cost per EHCP",
    ),
    ProvisionType(
        "post16_fe",
        "Post-16 and further education",
        ("post16_fe",),
        tuple((line, "post_school") for line in _PHASE_LINES),
    ),
)


@dataclass
class LAFinanceProfile:
    """One LA's published High Needs money beside its neighbours and England."""

    la_code: str
    la_name: str
    region_name: str
    neighbours: pd.DataFrame  # neighbour_code, la_name, rank, closeness
    #: line, label, s251_lines, budget_gbp, outturn_gbp, *_per_head_gbp, *_per_ehcp_gbp,
    #: neighbours_median_*, england_*.
    lines: pd.DataFrame
    #: provision_type, label, ehcps, spend_gbp, unit_cost_gbp, neighbours_median_gbp,
    #: neighbours_min_gbp, neighbours_max_gbp, england_gbp, caveat.
    unit_costs: pd.DataFrame
    #: financial_year, allocation_gbp, per_head_gbp, neighbours_median_per_head_gbp,
    #: england_per_head_gbp (high needs block before deductions).
    allocation: pd.DataFrame
    #: financial_year, balance_pct_income, neighbours_median_pct, england_pct.
    balance: pd.DataFrame
    population_2_18: float
    ehcps: float
    notes: list[str] = field(default_factory=list)


def la_directory() -> pd.DataFrame:
    """Every LA the bundled finance tables know: ``la_code, la_name``."""
    names = pd.concat(
        [table("s251_caseload")[["la_code", "la_name"]], table("dsg_total")[["la_code", "la_name"]]]
    )
    names = names[names["la_code"] != ENGLAND_CODE]
    return names.drop_duplicates("la_code").reset_index(drop=True)


def resolve_la(query: str) -> tuple[str, str]:
    """``(la_code, la_name)`` for a DfE 3-digit code or an LA name (any case or spacing)."""
    text = str(query).strip()
    try:
        found = reference.find_la(text)
        return found.la_code, found.la_name
    except FileNotFoundError:
        pass  # reference tables not built in this install: match on the finance tables
    directory = la_directory()
    by_code = directory[directory["la_code"] == text]
    if not by_code.empty:
        return text, str(by_code["la_name"].iloc[0])
    key = normalise_label(text)
    by_name = directory[directory["la_name"].map(normalise_label) == key]
    if not by_name.empty:
        return str(by_name["la_code"].iloc[0]), str(by_name["la_name"].iloc[0])
    close = difflib.get_close_matches(text, directory["la_name"].tolist(), n=3, cutoff=0.6)
    hint = (" Did you mean " + " or ".join(repr(c) for c in close) + "?") if close else ""
    raise NotFoundError(f"no local authority {query!r} in the published finance data.{hint}")


def neighbour_codes(la_code: str, model: str = NEIGHBOUR_MODEL) -> pd.DataFrame:
    """The LA's statistical neighbours: ``neighbour_code, rank, closeness``, nearest first.

    Uses :func:`highneeds.reference.statistical_neighbours`; when the reference tables are not
    built in this install, the copy of DfE's 2021 model shipped with the finance tables.
    """
    try:
        found = reference.statistical_neighbours(la_code, model=model)
    except FileNotFoundError:
        found = None  # reference tables not built in this install: use the finance copy
    except NotFoundError:
        return pd.DataFrame(columns=["neighbour_code", "rank", "closeness"])
    if found is not None:
        return found[["neighbour_code", "rank", "closeness"]].reset_index(drop=True)
    shipped = table("neighbours_2021")
    mine = shipped[shipped["la_code"] == la_code].sort_values("rank")
    return mine[["neighbour_code", "rank", "closeness"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Metrics for every LA at once (so neighbours and England use the same arithmetic)
# --------------------------------------------------------------------------------------------


def _denominators() -> pd.DataFrame:
    """Per LA: ``population_2_18``, ``ehcps`` (total), and EHCPs by funding category."""
    caseload = table("s251_caseload")
    wide = caseload.pivot_table(
        index="la_code", columns="funding_category", values="ehcps", aggfunc="first", dropna=False
    )
    wide["population_2_18"] = caseload.groupby("la_code")["population_2_18"].first()
    return wide.rename(columns={"total": "ehcps"})


def line_totals(statement: str) -> pd.DataFrame:
    """Per LA (rows) the published total of each line (columns), pounds, for one statement."""
    spend = table("s251_spend")
    spend = spend[(spend["statement"] == statement) & (spend["phase"] == "total")]
    wide = spend.pivot_table(
        index="la_code", columns="line", values="amount_gbp", aggfunc="first", dropna=False
    )
    wide = wide[[line.code for line in PUBLISHED_LINES]]
    # A published total is missing when any line is missing: never count a gap as £0.
    wide["all_lines"] = wide.sum(axis=1, min_count=len(PUBLISHED_LINES)).where(
        wide.notna().all(axis=1)
    )
    return wide


def implied_unit_costs(statement: str = "budget") -> pd.DataFrame:
    """Per LA (rows) and provision type (columns): spend on it ÷ its EHCPs, pounds a year."""
    spend = table("s251_spend")
    spend = spend[spend["statement"] == statement].set_index(["la_code", "line", "phase"])
    amounts = spend["amount_gbp"]
    counts = _denominators()
    out = {}
    for provision in PROVISION_TYPES:
        parts = [
            amounts.xs((line, phase), level=("line", "phase")) for line, phase in provision.spend
        ]
        money = pd.concat(parts, axis=1).sum(axis=1, min_count=len(parts))
        children = counts[list(provision.funding_categories)].sum(
            axis=1, min_count=len(provision.funding_categories)
        )
        out[provision.code] = money / children.where(children > 0)
        out[provision.code + "__spend"] = money
        out[provision.code + "__ehcps"] = children
    return pd.DataFrame(out)


def _england_ratio(numerator: pd.Series, denominator: pd.Series) -> float:
    """England figure: sum over LAs publishing both, divided (not an average of ratios)."""
    both = numerator.notna() & denominator.notna()
    total = denominator[both].sum()
    return float(numerator[both].sum() / total) if total else float("nan")


def _median(values: pd.Series, codes: list[str]) -> float:
    return float(values.reindex(codes).median())


# --------------------------------------------------------------------------------------------
# The profile
# --------------------------------------------------------------------------------------------


def la_finance_profile(query: str) -> LAFinanceProfile:
    """Published High Needs spend, allocation and DSG balance for one LA, with comparators."""
    la_code, la_name = resolve_la(query)
    caseload = table("s251_caseload")
    directory = la_directory().set_index("la_code")["la_name"]
    neighbours = neighbour_codes(la_code)
    neighbours["la_name"] = neighbours["neighbour_code"].map(directory)
    codes = neighbours["neighbour_code"].tolist()
    notes = [ATTRIBUTION]

    counts = _denominators()
    if la_code not in counts.index or pd.isna(counts.at[la_code, "population_2_18"]):
        notes.append(
            f"{la_name} has no population or EHCP count in the 2021-22 benchmarking "
            "data (LA reorganised); per-head and per-EHCP figures are blank."
        )
    region = caseload.loc[caseload["la_code"] == la_code, "region_name"]
    population = counts["population_2_18"]
    ehcps = counts["ehcps"]

    rows = []
    budget, outturn = line_totals("budget"), line_totals("outturn")
    for line in [*PUBLISHED_LINES, None]:
        code = line.code if line else "all_lines"
        row = {
            "line": code,
            "label": line.label if line else "All published high needs lines",
            "s251_lines": ", ".join(line.s251_lines) if line else "",
        }
        for statement, wide in (("budget", budget), ("outturn", outturn)):
            values = wide[code]
            row[f"{statement}_gbp"] = float(values.get(la_code, float("nan")))
            for per, denominator in (("per_head", population), ("per_ehcp", ehcps)):
                ratio = values / denominator.reindex(values.index)
                row[f"{statement}_{per}_gbp"] = float(ratio.get(la_code, float("nan")))
                row[f"neighbours_median_{statement}_{per}_gbp"] = _median(ratio, codes)
                row[f"england_{statement}_{per}_gbp"] = _england_ratio(
                    values, denominator.reindex(values.index)
                )
        rows.append(row)
    lines = pd.DataFrame(rows)

    unit = implied_unit_costs("budget")
    unit_rows = []
    for provision in PROVISION_TYPES:
        cost = unit[provision.code]
        neighbour_costs = cost.reindex(codes)
        unit_rows.append(
            {
                "provision_type": provision.code,
                "label": provision.label,
                "ehcps": float(unit[provision.code + "__ehcps"].get(la_code, float("nan"))),
                "spend_gbp": float(unit[provision.code + "__spend"].get(la_code, float("nan"))),
                "unit_cost_gbp": float(cost.get(la_code, float("nan"))),
                "neighbours_median_gbp": float(neighbour_costs.median()),
                "neighbours_min_gbp": float(neighbour_costs.min()),
                "neighbours_max_gbp": float(neighbour_costs.max()),
                "england_gbp": _england_ratio(
                    unit[provision.code + "__spend"], unit[provision.code + "__ehcps"]
                ),
                "caveat": provision.caveat,
            }
        )
    notes.append(
        "Implied unit costs: Section 251 budget 2021-22 on the provision type's "
        "lines ÷ EHCPs placed there in the same data; a rough guide, not a price."
    )

    allocation = _allocation(la_code, codes, population)
    balance = _balance(la_code, codes)
    return LAFinanceProfile(
        la_code=la_code,
        la_name=la_name,
        region_name=str(region.iloc[0]) if not region.empty else "",
        neighbours=neighbours,
        lines=lines,
        unit_costs=pd.DataFrame(unit_rows),
        allocation=allocation,
        balance=balance,
        population_2_18=float(population.get(la_code, float("nan"))),
        ehcps=float(ehcps.get(la_code, float("nan"))),
        notes=notes,
    )


def _allocation(la_code: str, codes: list[str], population: pd.Series) -> pd.DataFrame:
    """High needs block before deductions by year, per head of 2–18 population (mid-2021)."""
    block = table("high_needs_block")
    block = block[block["element"] == "total_before_deductions"]
    rows = []
    for year, group in block.groupby("financial_year", sort=True):
        values = group.set_index("la_code")["value"]
        las = values.drop(ENGLAND_CODE, errors="ignore")
        per_head = las / population.reindex(las.index)
        rows.append(
            {
                "financial_year": year,
                "allocation_gbp": float(values.get(la_code, float("nan"))),
                "per_head_gbp": float(per_head.get(la_code, float("nan"))),
                "neighbours_median_per_head_gbp": _median(per_head, codes),
                "england_gbp": float(values.get(ENGLAND_CODE, float("nan"))),
                "england_per_head_gbp": _england_ratio(las, population.reindex(las.index)),
            }
        )
    return pd.DataFrame(rows)


def _balance(la_code: str, codes: list[str]) -> pd.DataFrame:
    """Cumulative DSG balance as % of DSG income by year (negative = deficit)."""
    balance = table("dsg_balance")
    rows = []
    for year, group in balance.groupby("financial_year", sort=True):
        values = group.set_index("la_code")["balance_pct_income"]
        rows.append(
            {
                "financial_year": year,
                "balance_pct_income": float(values.get(la_code, float("nan"))),
                "neighbours_median_pct": _median(values, codes),
                "england_pct": float(values.get(ENGLAND_CODE, float("nan"))),
            }
        )
    return pd.DataFrame(rows)


def line_label(code: str) -> str:
    return PUBLISHED_LINE_BY_CODE[code].label if code in PUBLISHED_LINE_BY_CODE else code
