"""Tables for a SEND Joint Strategic Needs Assessment (JSNA) from the LA's own SEN2 returns.

Pure: frames in (the stored child states, persons and derived SEN2 tables; see
:class:`JsnaInputs`), frames out. :func:`jsna_tables` gives each table twice: ``exact`` (counts
as numbers, for dashboards inside the LA) and ``published`` (text, small counts shown as ``c``
with secondary suppression; see :mod:`highneeds.suppression`).

Tables that share a total are suppressed together: the EHCPs of each need are the row totals
of both need tables, each age band's EHCPs the column totals of both age band tables, and all
EHCPs at the census their grand total and a cell of the trend. A total hidden in one of them
is hidden in all, or the other table would give it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.suppression import (
    DEFAULT_THRESHOLD,
    SUPPRESSED,
    TOTAL,
    published_counts,
    published_percent,
    suppression_mask,
    with_totals,
)
from highneeds.vocabulary import (
    AGE_BANDS,
    CEASE_REASONS,
    NEEDS,
    SETTING_GROUPS,
    SEX_BY_CODE,
    SEXES,
)

#: DfE symbol for a figure that is not available (a year whose return has no placements).
UNAVAILABLE = "x"
NOT_RECORDED = "Not recorded"

TITLES = {
    "need_by_age": "EHCPs by primary need and age band",
    "setting_by_age": "EHCPs by setting group and age band",
    "need_by_sex": "EHCPs by primary need and sex",
    "trend": "EHCPs, new plans, 20-week timeliness and ceased plans by census year",
    "ceased_by_reason": "Plans ceased by reason and census year",
}
TREND_COLUMNS = {
    "ehcps": "EHCPs on census day",
    "new_plans": "New plans issued in the calendar year before",
    "within_20_weeks": "Issued within 20 weeks (excluding exceptions)",
    "over_20_weeks": "Issued after 20 weeks (excluding exceptions)",
    "plans_timed": "Plans issued (excluding exceptions)",
    "percent_within_20_weeks": "% issued within 20 weeks (excluding exceptions)",
    "ceased": "Plans ceased in the calendar year before",
}
_TIMED = ["within_20_weeks", "over_20_weeks", "plans_timed"]
_SINGLE = ["ehcps", "new_plans", "ceased"]


@dataclass(frozen=True)
class JsnaInputs:
    """An LA's stored SEN2 data, every imported year (columns as the hn_sen2_* tables).

    ``states``: year, child_id, age_band, need, setting_group (one row per child with a plan
    on census day; years whose layout has no placements are absent). ``persons``: year,
    child_id, sex. ``funnel``: year, stage, children. ``timeliness``: year, exceptions,
    plans_issued, within_20_weeks. ``ceased``: year, cease_reason, children.
    """

    states: pd.DataFrame
    persons: pd.DataFrame
    funnel: pd.DataFrame
    timeliness: pd.DataFrame
    ceased: pd.DataFrame

    def years(self) -> list[int]:
        """Census years with a stored return."""
        found = set(self.funnel["year"]) | set(self.states["year"]) | set(self.ceased["year"])
        return sorted(int(y) for y in found)


@dataclass
class JsnaTables:
    """The tables for one LA and census year: exact counts and the published (suppressed) text.

    ``notes`` says what is left out and why, in sentences a reader of the workbook can use.
    """

    la_code: str
    year: int
    threshold: int
    exact: dict[str, pd.DataFrame]
    published: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)


# --- exact tables ----------------------------------------------------------------------------


def _crosstab(
    frame: pd.DataFrame, rows: str, columns: str, row_labels: dict, column_labels: dict
) -> pd.DataFrame:
    """Children counted by two columns, labelled, in the vocabulary's order, with totals.

    Rows are only the codes present (a need SEN2 has no code for stays out); columns are every
    code (the same columns each year), plus 'Not recorded' where a value is missing."""
    data = frame[[rows, columns]].astype(object)
    data = data.where(data.notna(), NOT_RECORDED)
    counts = pd.crosstab(data[rows], data[columns])
    row_order = [c for c in row_labels if c in counts.index]
    row_order += sorted(c for c in counts.index if c not in row_labels)
    column_order = list(column_labels)
    column_order += sorted(c for c in counts.columns if c not in column_labels)
    counts = counts.reindex(index=row_order, columns=column_order, fill_value=0)
    counts.index = [row_labels.get(c, str(c)) for c in counts.index]
    counts.columns = [column_labels.get(c, str(c)) for c in counts.columns]
    counts.index.name = _HEADINGS[rows]
    return with_totals(counts)


_HEADINGS = {"need": "Primary need", "setting_group": "Setting group", "sex": "Sex"}


def _labels(items) -> dict[str, str]:
    return {item.code: item.label for item in items}


def _sex_codes(persons: pd.DataFrame) -> pd.Series:
    """Sex as SEN2 codes; anything else, or missing, as 'U' (not known)."""
    sex = persons["sex"].astype(object)
    return sex.where(sex.isin(list(SEX_BY_CODE)), "U")


def trend_counts(inputs: JsnaInputs, years: list[int]) -> pd.DataFrame:
    """Counts by census year (numbers; NaN where a year's return cannot give the figure)."""
    trend = pd.DataFrame(index=pd.Index(years, name="January census year"))
    trend["ehcps"] = inputs.states.groupby("year").size().reindex(years)
    funnel = inputs.funnel[inputs.funnel["stage"] == "plans_issued"]
    trend["new_plans"] = funnel.set_index("year")["children"].reindex(years)
    timed = inputs.timeliness[inputs.timeliness["exceptions"] == "excluded"].set_index("year")
    trend["within_20_weeks"] = timed["within_20_weeks"].reindex(years).fillna(0)
    trend["plans_timed"] = timed["plans_issued"].reindex(years).fillna(0)
    trend["over_20_weeks"] = trend["plans_timed"] - trend["within_20_weeks"]
    ceased = inputs.ceased.groupby("year")["children"].sum()
    # A year with a return but no ceased plans has none; a year without a return is unknown.
    returned = set(inputs.funnel["year"])
    trend["ceased"] = [ceased.get(y, 0 if y in returned else float("nan")) for y in years]
    base = trend["plans_timed"].where(trend["plans_timed"] > 0)
    trend["percent_within_20_weeks"] = (100 * trend["within_20_weeks"] / base).round(1)
    return trend[list(TREND_COLUMNS)]


def _ceased_by_reason(ceased: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Every CeaseReason code (zeros shown), and 'not recorded' or unknown codes if present."""
    labels = _labels(CEASE_REASONS) | {"missing": "Reason not recorded"}
    counts = ceased[ceased["year"].isin(years)].pivot_table(
        index="cease_reason", columns="year", values="children", aggfunc="sum", fill_value=0
    )
    rows = [r.code for r in CEASE_REASONS]
    rows += sorted(c for c in counts.index if c not in rows)
    counts = counts.reindex(index=rows, columns=years, fill_value=0)
    counts.index = [labels.get(c, f"Code {c}") for c in counts.index]
    counts.columns = [str(y) for y in years]
    counts.index.name = "Reason the plan ceased"
    return with_totals(counts)


def exact_tables(inputs: JsnaInputs, year: int) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The exact tables for census ``year`` (trend and ceased: every stored year up to it),
    and notes on any left out."""
    years = [y for y in inputs.years() if y <= year]
    if year not in years:
        raise ModelInputError(
            f"there is no SEN2 return for January {year}; stored years: "
            f"{', '.join(map(str, inputs.years())) or 'none'}"
        )
    tables: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    states = inputs.states[inputs.states["year"] == year]
    ages = _labels(AGE_BANDS)
    needs = _labels(NEEDS)
    if states.empty:
        notes.append(
            f"The {year} return holds no placements or needs (module CSV layout), so the "
            "tables by need, setting, age band and sex are not given."
        )
    else:
        tables["need_by_age"] = _crosstab(states, "need", "age_band", needs, ages)
        tables["setting_by_age"] = _crosstab(
            states, "setting_group", "age_band", _labels(SETTING_GROUPS), ages
        )
        persons = inputs.persons[inputs.persons["year"] == year]
        with_sex = states.merge(
            persons.assign(sex=_sex_codes(persons))[["child_id", "sex"]],
            on="child_id",
            how="left",
        )
        if with_sex["sex"].isin(["F", "M"]).any():
            with_sex["sex"] = with_sex["sex"].fillna("U")
            tables["need_by_sex"] = _crosstab(with_sex, "need", "sex", needs, _labels(SEXES))
        else:
            notes.append(f"The {year} return records no child's sex, so need by sex is not given.")
    tables["trend"] = trend_counts(inputs, years)
    tables["ceased_by_reason"] = _ceased_by_reason(inputs.ceased, years)
    return tables, notes


# --- suppression -----------------------------------------------------------------------------

# Totals two tables share, as (table, table, axis): axis "column" is the Total column (the
# rows' totals), "row" the Total row (the columns' totals).
_SHARED_TOTALS = (
    ("need_by_age", "need_by_sex", "column"),
    ("need_by_age", "setting_by_age", "row"),
)
_CROSS = ("need_by_age", "setting_by_age", "need_by_sex")


def _margin(mask: pd.DataFrame, axis: str) -> pd.Series:
    return mask[TOTAL] if axis == "column" else mask.loc[TOTAL]


def _hide_margin(mask: pd.DataFrame, axis: str, hidden: pd.Series) -> None:
    if axis == "column":
        mask.loc[:, TOTAL] = mask[TOTAL] | hidden.reindex(mask.index, fill_value=False)
    else:
        mask.loc[TOTAL] = mask.loc[TOTAL] | hidden.reindex(mask.columns, fill_value=False)


def _linked_masks(counts: dict[str, pd.DataFrame], threshold: int) -> dict[str, pd.DataFrame]:
    """Masks of the tables with totals, with every shared total hidden alike in each table.

    Suppresses again, with the totals hidden anywhere hidden everywhere, until no table hides
    a shared total another shows; each round only adds hidden cells, so it ends."""
    forced = {name: table.astype(bool) & False for name, table in counts.items()}
    while True:
        masks = {
            name: suppression_mask(table, threshold, hide_small_rows=False, hidden=forced[name])
            for name, table in counts.items()
        }
        grown = {name: mask.copy() for name, mask in masks.items()}
        for a, b, axis in _SHARED_TOTALS:
            if a in masks and b in masks:
                either = _margin(masks[a], axis) | _margin(masks[b], axis)
                _hide_margin(grown[a], axis, either)
                _hide_margin(grown[b], axis, either)
        cross = [name for name in _CROSS if name in masks]
        grand = any(bool(masks[name].loc[TOTAL, TOTAL]) for name in cross)
        for name in cross:
            grown[name].loc[TOTAL, TOTAL] = grand
        if all(grown[name].equals(masks[name]) for name in masks):
            return masks
        forced = grown


def _text(value) -> str:
    return UNAVAILABLE if pd.isna(value) else str(int(value))


def _published_trend(
    trend: pd.DataFrame, threshold: int, *, ehcps_hidden: dict, ceased_hidden: pd.Series
) -> pd.DataFrame:
    """The trend as text. Each year's plans within and after 20 weeks sum to the plans timed,
    so they are suppressed as a row with its total; the other counts stand alone (they are
    not parts of any published sum), hidden when small or when a linked total is hidden."""
    out = pd.DataFrame(index=trend.index)
    single = trend[_SINGLE]
    small = (single > 0) & (single < threshold)
    for y, hidden in ehcps_hidden.items():
        if y in small.index:
            small.loc[y, "ehcps"] |= hidden
    small["ceased"] |= ceased_hidden.reindex(small.index, fill_value=False)
    for column in _SINGLE:
        out[column] = single[column].map(_text).where(~small[column], SUPPRESSED)
    timed = trend[_TIMED].astype(int)
    hidden = suppression_mask(timed, threshold, total_row=False, hide_small_rows=False)
    out[_TIMED] = published_counts(timed, hidden)
    out["percent_within_20_weeks"] = published_percent(
        timed["within_20_weeks"],
        timed["plans_timed"],
        hidden["within_20_weeks"] | hidden["plans_timed"],
    )  # z where no plan was timed: a zero base is never hidden
    return out[list(TREND_COLUMNS)]


def published_tables(
    exact: dict[str, pd.DataFrame], year: int, threshold: int = DEFAULT_THRESHOLD
) -> dict[str, pd.DataFrame]:
    """The exact tables as text fit to publish: counts below ``threshold`` as ``c``, secondary
    suppression within each table and across shared totals, whole-number percentages."""
    with_totals_ = {n: t for n, t in exact.items() if n != "trend"}
    masks = _linked_masks(with_totals_, threshold)
    published = {name: published_counts(with_totals_[name], masks[name]) for name in masks}
    grand_hidden = any(bool(masks[n].loc[TOTAL, TOTAL]) for n in _CROSS if n in masks)
    ceased_hidden = masks["ceased_by_reason"].loc[TOTAL].drop(TOTAL)
    ceased_hidden.index = [int(y) for y in ceased_hidden.index]
    published["trend"] = _published_trend(
        exact["trend"], threshold, ehcps_hidden={year: grand_hidden}, ceased_hidden=ceased_hidden
    )
    return {name: published[name] for name in exact}


def labelled(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table with headings people read (the trend's columns are codes until here)."""
    return table.rename(columns=TREND_COLUMNS) if name == "trend" else table


def jsna_tables(
    inputs: JsnaInputs, *, la_code: str, year: int, threshold: int = DEFAULT_THRESHOLD
) -> JsnaTables:
    """The JSNA tables of ``la_code`` at the January ``year`` census, exact and published."""
    if threshold < 1:
        raise ModelInputError(f"the suppression threshold must be 1 or more, not {threshold}")
    exact, notes = exact_tables(inputs, year)
    published = published_tables(exact, year, threshold)
    return JsnaTables(la_code, year, threshold, exact, published, notes)
