"""One path from an LA to its plan: everything its forecast, costs and DSG position rest on.

:func:`resolve` takes any LA — a name, DfE number or GSS code — and finds each input in a
stated order, recording where it came from:

1. **the LA's own imports** in the store: SEN2 returns (the child-level forecast), its filled
   unit-cost, budget and capacity templates;
2. **public data**: DfE's published EHCP statistics (the public-data forecast, by age band and
   setting group), the Section 251 budget and EHCPs by provision type (unit costs and the
   non-placement lines), DSG allocations and the cumulative DSG balance;
3. **reference defaults**: the national unit costs of :mod:`highneeds.finance.costs`, and the
   stated growth and inflation assumptions.

Every command and page that forecasts, costs or compares scenarios for an LA starts here, and
every output repeats :meth:`PlanInputs.sources` so a reader sees what each figure rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from highneeds.errors import ModelInputError, NotFoundError
from highneeds.store import Store

#: The three kinds of source, in the order they are tried.
OWN = "the LA's own import"
PUBLIC = "public data"
DEFAULT = "reference default"

#: S251 high needs lines that pay for placements (modelled as caseload × unit cost);
#: every other high needs line is a non-placement line, carried into the DSG position.
PLACEMENT_LINES = ("1.0.2", "1.2.1", "1.2.2", "1.2.3", "1.2.11")
#: The published (benchmarking) lines that are not placements.
PUBLISHED_NON_PLACEMENT = (
    "sen_support_inclusion",
    "alternative_provision",
    "hospital_education",
    "therapies",
)
#: Provision types of the published implied unit cost, by the funding categories they cover.
_PUBLIC_UNIT_COST = {
    "mainstream": "mainstream_and_resourced",
    "resourced_provision": "mainstream_and_resourced",
    "maintained_special": "maintained_special",
    "independent_special": "independent_special",
    "hospital_ap": "hospital_ap",
    "post16_fe": "post16_fe",
}
#: Yearly growth of the High Needs allocation after the last published year (an assumption,
#: listed with every output; DfE's high needs NFF rose 3–4% a year from 2024-25).
ALLOCATION_GROWTH = 0.03
#: Yearly inflation of unit costs and non-placement lines (an assumption, listed likewise).
INFLATION = 0.03
#: Years forecast after the origin when the caller gives no last year.
DEFAULT_HORIZON = 5


@dataclass(frozen=True)
class Source:
    """Where one input came from: ``kind`` (:data:`OWN`, :data:`PUBLIC`, :data:`DEFAULT`)
    and what exactly (file, table, year)."""

    kind: str
    detail: str


@dataclass
class PlanInputs:
    """Everything an LA's forecast, costs, sufficiency, DSG position and scenarios need.

    ``transitions`` (SEN2, child-level model) or ``public_stats`` (tidy DfE EHCP table of
    every LA, public-data model): exactly one is set. ``unit_costs`` as the unit-cost template
    reads; ``price_year`` the January census year they are priced at. ``allocation``:
    ``financial_year, allocation_gbp`` (pounds, history). ``non_placement``: ``financial_year,
    line, label, amount_gbp`` of the latest year known. ``balance``: ``financial_year,
    balance_gbp`` and ``balance_pct_income`` (published cumulative DSG balance; empty if none).
    ``capacity``: the register or None. ``sources``: input name → :class:`Source`.
    """

    la_code: str
    la_name: str
    model: str  # "child-level" or "public-data"
    transitions: pd.DataFrame | None
    public_stats: pd.DataFrame | None
    origin: int
    unit_costs: pd.DataFrame
    price_year: int
    allocation: pd.DataFrame
    non_placement: pd.DataFrame
    balance: pd.DataFrame
    capacity: pd.DataFrame | None
    allocation_growth: float = ALLOCATION_GROWTH
    inflation: float = INFLATION
    sources: dict[str, Source] = field(default_factory=dict)
    #: When ``capacity`` is the places register applied to places held at the origin's
    #: caseload: that capacity without the register (for a caller applying a register itself).
    capacity_before_register: pd.DataFrame | None = None

    def sources_table(self) -> pd.DataFrame:
        """``input, source, detail``: one row per input, what every output lists."""
        rows = [(name, s.kind, s.detail) for name, s in self.sources.items()]
        rows += [
            (
                "Allocation growth",
                DEFAULT,
                f"{self.allocation_growth:.1%} a year after the last known allocation",
            ),
            (
                "Inflation",
                DEFAULT,
                f"{self.inflation:.1%} a year on unit costs and "
                f"non-placement lines, from prices of January {self.price_year}",
            ),
        ]
        return pd.DataFrame(rows, columns=["input", "source", "detail"])

    def notes(self) -> list[str]:
        """The sources as sentences, for a workbook's Notes sheet or a command's footer."""
        return [f"{r.input}: {r.source} — {r.detail}." for r in self.sources_table().itertuples()]


def signed(value: float, spec: str = ",.0f") -> str:
    """A number with a true minus sign (−), as every figure shown to users."""
    return ("−" if value < 0 else "") + format(abs(value), spec)


def pounds(value: float) -> str:
    return ("−" if value < 0 else "") + f"£{abs(value):,.0f}"


# --------------------------------------------------------------------------------------------
# Which LA
# --------------------------------------------------------------------------------------------


def identify(store: Store | None, query: str) -> tuple[str, str]:
    """``(la_code, la_name)`` of an LA named by its name, DfE number or GSS code; an LA known
    only from data imported into the store (e.g. a fictional one) by its number."""
    from highneeds import reference

    text = str(query).strip()
    try:
        found = reference.find_la(text)
        return found.la_code, found.la_name
    except NotFoundError as error:
        if store is not None and _has_own_data(store, text):
            return text, _stored_name(store, text)
        raise NotFoundError(str(error)) from None


def _has_own_data(store: Store, la_code: str) -> bool:
    imports = store.imports()
    return bool((imports["owner"] == la_code).any()) if not imports.empty else False


def _stored_name(store: Store, la_code: str) -> str:
    """The name data loaded for an LA outside the reference list gives it (see
    :func:`highneeds.sen2.demo.fictional_la_names`), else "LA <number>"."""
    from highneeds.sen2.demo import fictional_la_names

    return fictional_la_names().get(la_code, f"LA {la_code}")


# --------------------------------------------------------------------------------------------
# Each input, in order
# --------------------------------------------------------------------------------------------


def _imported(store: Store, kind: str, la_code: str) -> str:
    from highneeds.finance.la_inputs import imported_file

    found = imported_file(store, kind, la_code)
    if found is None:
        return "imported"
    return f"'{found.file_name}', imported {found.imported_at.strftime('%d %B %Y')}"


def _public_stats(store: Store) -> tuple[pd.DataFrame, str]:
    """The DfE EHCP statistics of every LA that the public-data model and the plan read
    (caseload, new plans and requests for assessment,
    :data:`~highneeds.forecast.public.PANEL_MEASURES`): the store's,
    else the bundled release. The model pools every LA, so every LA is read, but only these
    measures — about a quarter of the table."""
    from highneeds.forecast.public import PANEL_MEASURES
    from highneeds.readers.dfe_files import bundled_release_path
    from highneeds.readers.dfe_stored import load_stats

    stats = load_stats(store, measures=PANEL_MEASURES)
    if not stats.empty:
        return stats, "DfE 'Education, health and care plans' statistics in the store"
    from highneeds.readers.dfe_ehcp import read_release

    path = bundled_release_path()
    release = read_release(path)
    return (
        release[release["measure"].isin(PANEL_MEASURES)].reset_index(drop=True),
        f"DfE 'Education, health and care plans' release {path.name} (bundled with highneeds)",
    )


def _public_unit_costs(la_code: str) -> pd.DataFrame | None:
    """Implied unit cost per EHCP by funding category from the LA's published S251 budget
    2021-22 ÷ its EHCPs placed there (all as top-up: S251 does not split place funding by
    child); None when the LA publishes none."""
    from highneeds.finance.benchmark import implied_unit_costs
    from highneeds.finance.costs import empty_unit_costs

    implied = implied_unit_costs("budget")
    if la_code not in implied.index:
        return None
    mine = implied.loc[la_code]
    rows = []
    for category, provision in _PUBLIC_UNIT_COST.items():
        cost = mine.get(provision)
        if pd.notna(cost):
            rows.append(
                {
                    "funding_category": category,
                    "place_funding_gbp": 0.0,
                    "top_up_gbp": float(cost),
                    "source": "published S251 budget 2021-22 ÷ EHCPs placed there",
                }
            )
    if not rows:
        return None
    table = empty_unit_costs()
    return pd.concat([table, pd.DataFrame(rows)], ignore_index=True).astype(
        {"place_funding_gbp": float, "top_up_gbp": float}
    )


def _published_allocation(la_code: str) -> pd.DataFrame:
    """High needs block after deductions (what the LA receives), by financial year."""
    from highneeds.finance.bundled import table

    frame = table("dsg_allocations")
    frame = frame[
        (frame["la_code"] == la_code)
        & (frame["block"] == "high_needs")
        & (frame["stage"] == "after_deductions")
    ]
    return (
        frame.rename(columns={"amount_gbp": "allocation_gbp"})[["financial_year", "allocation_gbp"]]
        .sort_values("financial_year")
        .reset_index(drop=True)
    )


def published_balance(la_code: str) -> pd.DataFrame:
    """The LA's published cumulative DSG balance: ``financial_year, balance_pct_income,
    dsg_income_gbp, balance_gbp`` (pounds = % of DSG income × that year's total DSG)."""
    from highneeds.finance.bundled import table

    balance = table("dsg_balance")
    balance = balance[balance["la_code"] == la_code][["financial_year", "balance_pct_income"]]
    income = table("dsg_total")
    income = income[income["la_code"] == la_code][["financial_year", "total_dsg_gbp"]]
    out = balance.merge(income, on="financial_year", how="left").rename(
        columns={"total_dsg_gbp": "dsg_income_gbp"}
    )
    out["balance_gbp"] = out["balance_pct_income"] / 100 * out["dsg_income_gbp"]
    return out.sort_values("financial_year").reset_index(drop=True)


def _published_non_placement(la_code: str) -> pd.DataFrame:
    from highneeds.finance.bundled import table
    from highneeds.finance.published import PUBLISHED_LINE_BY_CODE

    spend = table("s251_spend")
    spend = spend[
        (spend["la_code"] == la_code)
        & (spend["statement"] == "budget")
        & (spend["phase"] == "total")
        & spend["line"].isin(PUBLISHED_NON_PLACEMENT)
    ]
    return pd.DataFrame(
        {
            "financial_year": spend["financial_year"],
            "line": spend["line"],
            "label": spend["line"].map(lambda c: PUBLISHED_LINE_BY_CODE[c].label),
            "amount_gbp": spend["amount_gbp"].astype(float),
        }
    ).reset_index(drop=True)


def _own_non_placement(lines: pd.DataFrame) -> pd.DataFrame:
    """The latest year's non-placement lines of the LA's budget template (outturn where
    given, else budget)."""
    from highneeds.vocabulary import S251_LINE_BY_CODE

    rows = lines[~lines["s251_line"].isin(PLACEMENT_LINES)]
    if rows.empty:
        return pd.DataFrame(columns=["financial_year", "line", "label", "amount_gbp"])
    latest = rows[rows["financial_year"] == rows["financial_year"].max()]
    by = latest.pivot_table(
        index="s251_line", columns="statement", values="amount_gbp", aggfunc="sum"
    )
    amount = by["outturn"] if "outturn" in by else by["budget"]
    if "outturn" in by and "budget" in by:
        amount = by["outturn"].fillna(by["budget"])
    return pd.DataFrame(
        {
            "financial_year": latest["financial_year"].iloc[0],
            "line": amount.index,
            "label": [S251_LINE_BY_CODE[c].label for c in amount.index],
            "amount_gbp": amount.to_numpy(dtype=float),
        }
    )


def origin_caseload(
    transitions: pd.DataFrame, public_stats: pd.DataFrame | None, la_code: str, origin: int
) -> pd.Series:
    """Children with a plan in January ``origin`` by funding category: from the SEN2
    transitions (their states in that year) or the LA's published caseload by setting."""
    from highneeds.vocabulary import SETTING_BY_CODE

    if public_stats is None:
        now = transitions[transitions["year"] == origin - 1]  # TO states are in ``origin``
        settings = now["setting_to"].dropna()
    else:
        from highneeds.plan.public_world import caseload_by_setting

        rows = caseload_by_setting(public_stats, la_code, origin)
        counts = rows.groupby(rows["setting"].map(lambda c: SETTING_BY_CODE[c].funding_category))
        return counts["value"].sum()
    known = settings[settings.isin(list(SETTING_BY_CODE))]
    return known.map(lambda c: SETTING_BY_CODE[c].funding_category).value_counts()


def held_places(by_category: pd.Series, origin: int, years: int = 20) -> pd.DataFrame:
    """A capacity register holding in-area special and resourced places at ``by_category``
    (children in January ``origin``) for ``years`` years: the default when an LA has none."""
    from highneeds.finance.sufficiency import DEFAULT_CONSTRAINED
    from highneeds.vocabulary import FUNDING_CATEGORY_BY_CODE

    rows = [
        {
            "provision": FUNDING_CATEGORY_BY_CODE[category].label,
            "funding_category": category,
            "designated_needs": None,
            "min_ncy": float("nan"),
            "max_ncy": float("nan"),
            "year": year,
            "places": float(round(by_category.get(category, 0.0))),
        }
        for category in DEFAULT_CONSTRAINED
        for year in range(origin, origin + years + 1)
    ]
    return pd.DataFrame(rows)


def _own_position(lines: pd.DataFrame, allocation: pd.DataFrame) -> pd.DataFrame | None:
    """The DSG position of the LA's own budget template (years with an allocation), as
    :func:`highneeds.finance.la_inputs.la_budget_outturn` shows it; None without one."""
    from highneeds.finance.dsg import dsg_position, own_spend

    if lines.empty or allocation.empty:
        return None
    spend = own_spend(lines)
    spend = spend[spend["financial_year"].isin(set(allocation["financial_year"]))]
    if spend.empty:
        return None
    position = dsg_position(allocation, spend[["financial_year", "spend_gbp"]])
    position = position.merge(spend[["financial_year", "statement"]])
    return position.rename(columns={"closing_balance_gbp": "balance_gbp"}).assign(
        balance_pct_income=float("nan"), basis=lambda f: "own " + f["statement"]
    )[
        [
            "financial_year",
            "balance_gbp",
            "balance_pct_income",
            "basis",
            "statement",
            "allocation_gbp",
            "spend_gbp",
            "in_year_gbp",
        ]
    ]


def _capacity(
    store: Store,
    la_code: str,
    given_register: pd.DataFrame | None,
    given: str,
    transitions: pd.DataFrame,
    public_stats: pd.DataFrame | None,
    origin: int,
    model: str,
) -> tuple[pd.DataFrame, Source, pd.DataFrame | None]:
    """The commissioned places the plan holds, from the first source that has them, its
    source, and (when the register was applied) the places without the register's changes:

    1. a capacity register given for this run, or the LA's imported capacity template;
    2. the LA's places register in the store (``highneeds strategy import … --places``):
       in-area special and resourced places held at the January ``origin`` caseload there,
       plus the places it opened or closed after January ``origin`` from the January they
       open (planned places count only once they open);
    3. the stated default: those places held at the January ``origin`` caseload.

    With either of the last two, children beyond the places are placed in independent special
    schools (DBV's rule), which is what makes the first two worth importing."""
    from highneeds.finance.stored import (
        PLACES_KIND,
        import_kind,
        load_capacity,
        load_places_register,
    )
    from highneeds.finance.sufficiency import capacity_with_register

    if given_register is not None:
        return given_register, Source(OWN, given), None
    own = load_capacity(store, la_code)
    if not own.empty:
        return own, Source(OWN, _imported(store, import_kind("capacity"), la_code)), None
    held = held_places(origin_caseload(transitions, public_stats, la_code, origin), origin)
    where = "(published)" if model == "public-data" else "(SEN2)"
    places = load_places_register(store, la_code)
    changes = (
        places[places["status"].isin(["opened", "closed"]) & (places["year"] > origin)]
        if places is not None
        else None
    )
    if changes is not None and not changes.empty:
        opened = int(changes.loc[changes["status"] == "opened", "places"].sum())
        closed = int(changes.loc[changes["status"] == "closed", "places"].sum())
        return (
            capacity_with_register(held, changes, after=origin),
            Source(
                OWN,
                f"places register ({_imported(store, PLACES_KIND, la_code)}): in-area "
                f"special and resourced places held at the January {origin} caseload there "
                f"{where}, plus {opened:,} places opened and {closed:,} closed after it, from the "
                "January of the academic year they change in; planned places count once opened; "
                "children beyond the places are placed in independent special schools",
            ),
            held,
        )
    return (
        held,
        Source(
            DEFAULT,
            "none imported: in-area special and resourced places held at the "
            f"January {origin} caseload there {where} (no places register or capacity template "
            "in the store); children beyond them are placed in independent special schools",
        ),
        None,
    )


def resolve(
    store: Store,
    la: str,
    *,
    unit_costs: pd.DataFrame | None = None,
    capacity: pd.DataFrame | None = None,
    given: str = "a file given on the command line",
    allocation_growth: float = ALLOCATION_GROWTH,
    inflation: float = INFLATION,
) -> PlanInputs:
    """Every input of ``la``'s plan, each from the first source that has it (see the module
    notes). ``unit_costs`` / ``capacity`` given here (the user's own files) come first."""
    from highneeds.finance.costs import empty_unit_costs
    from highneeds.finance.stored import import_kind, load_budget
    from highneeds.finance.stored import load_unit_costs as load_own_costs
    from highneeds.sen2.stored import stored_transitions

    la_code, la_name = identify(store, la)
    sources: dict[str, Source] = {}

    transitions = stored_transitions(store, la_code).drop(columns=["leave_reason"])
    public_stats = None
    if not transitions.empty:
        model = "child-level"
        # a transition's year is its FROM census: the last TO census is a year later
        origin = int(transitions["year"].max()) + 1
        sources["Caseload and forecast"] = Source(
            OWN,
            f"SEN2 returns {int(transitions['year'].min())}–{origin} in the store "
            "(child-level model)",
        )
    else:
        model = "public-data"
        public_stats, detail = _public_stats(store)
        mine = public_stats[public_stats["area_code"] == la_code]
        if mine.empty:
            raise ModelInputError(
                f"{la_name} ({la_code}) has neither SEN2 returns in the store nor DfE published "
                "statistics: import its SEN2 returns or a DfE release that includes it"
            )
        # The LA's own newest published January: a newer release may cover only some LAs.
        caseload = mine[(mine["measure"] == "caseload") & mine["value"].notna()]
        origin = int((caseload if not caseload.empty else mine)["year"].max())
        sources["Caseload and forecast"] = Source(
            PUBLIC,
            f"{detail}, to January {origin} (public-data model: age band × setting "
            "group, no SEN2 returns imported)",
        )

    own_costs = load_own_costs(store, la_code)
    public_costs = _public_unit_costs(la_code)
    if unit_costs is not None:
        costs, price_year = unit_costs, origin
        sources["Unit costs"] = Source(OWN, given)
    elif not own_costs.empty:
        costs, price_year = own_costs, origin
        sources["Unit costs"] = Source(OWN, _imported(store, import_kind("unit_costs"), la_code))
    elif public_costs is not None:
        costs, price_year = public_costs, 2022  # S251 budget 2021-22: prices of January 2022
        sources["Unit costs"] = Source(
            PUBLIC,
            "implied cost per EHCP, S251 budget 2021-22 ÷ EHCPs by provision type "
            "(high needs benchmarking data); gaps from the national reference defaults",
        )
    else:
        costs, price_year = empty_unit_costs(), origin
        sources["Unit costs"] = Source(DEFAULT, "national reference unit costs")

    lines, own_allocation = load_budget(store, la_code)
    published_allocation = _published_allocation(la_code)
    if not own_allocation.empty:
        allocation = own_allocation[["financial_year", "allocation_gbp"]]
        sources["High Needs allocation"] = Source(
            OWN, "Allocation sheet of " + _imported(store, import_kind("budget"), la_code)
        )
    elif not published_allocation.empty:
        allocation = published_allocation
        sources["High Needs allocation"] = Source(
            PUBLIC,
            "DSG allocations, high needs block after deductions "
            f"{allocation['financial_year'].iloc[0]} to {allocation['financial_year'].iloc[-1]}",
        )
    else:
        allocation = pd.DataFrame(columns=["financial_year", "allocation_gbp"])
        sources["High Needs allocation"] = Source(
            DEFAULT, "none known: import the budget template's Allocation sheet"
        )

    own_lines = _own_non_placement(lines) if not lines.empty else None
    if own_lines is not None and not own_lines.empty:
        non_placement = own_lines
        sources["Non-placement lines"] = Source(
            OWN,
            f"{non_placement['financial_year'].iloc[0]} lines other than placements of "
            + _imported(store, import_kind("budget"), la_code),
        )
    else:
        non_placement = _published_non_placement(la_code)
        if non_placement.empty:
            sources["Non-placement lines"] = Source(DEFAULT, "none known: £0")
        else:
            sources["Non-placement lines"] = Source(
                PUBLIC,
                "S251 budget 2021-22: SEN support and inclusion, AP services, "
                "hospital education, therapies",
            )

    own_position = _own_position(lines, own_allocation)
    balance = published_balance(la_code).assign(basis="published")
    if own_position is not None:
        balance = own_position
        last = balance.iloc[-1]
        sources["DSG balance brought forward"] = Source(
            OWN,
            f"the LA's own allocation and spend ({last['statement']}) to "
            f"{last['financial_year']}, from £0 (the budget template has no brought-forward "
            "balance), " + _imported(store, import_kind("budget"), la_code),
        )
    elif balance.empty:
        sources["DSG balance brought forward"] = Source(DEFAULT, "none published: £0")
    else:
        last = balance.iloc[-1]
        sources["DSG balance brought forward"] = Source(
            PUBLIC,
            f"published cumulative DSG balance {last['financial_year']}: "
            f"{signed(last['balance_pct_income'], '.2f')}% of DSG income "
            "(the whole DSG; other blocks assumed to balance in year)",
        )

    register, sources["Capacity register"], before_register = _capacity(
        store, la_code, capacity, given, transitions, public_stats, origin, model
    )

    return PlanInputs(
        la_code=la_code,
        la_name=la_name,
        model=model,
        transitions=transitions if model == "child-level" else None,
        public_stats=public_stats,
        origin=origin,
        unit_costs=costs,
        price_year=price_year,
        allocation=allocation.reset_index(drop=True),
        non_placement=non_placement,
        balance=balance,
        capacity=register,
        allocation_growth=allocation_growth,
        inflation=inflation,
        sources=sources,
        capacity_before_register=before_register,
    )
