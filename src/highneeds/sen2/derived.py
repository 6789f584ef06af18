"""Tables derived from pseudonymised SEN2 returns: what forecasts, timeliness and JSNAs use.

Every function takes pseudonymised frames (see :func:`prepare`) and returns a tidy DataFrame
counting children. ``year`` is always the January census year of the return (a return of
collection year Y covers requests, assessments and ceased plans of calendar year Y - 1 and
plans active on the census day in January Y).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.sen2.establishments import placement_settings
from highneeds.sen2.model import Sen2Return
from highneeds.sen2.pseudonymise import pseudonymise_persons
from highneeds.vocabulary import NEED_BY_CODE, SETTING_BY_CODE, age_band_of_ncy

#: Days from request to final plan within the statutory 20 weeks (reg 13(2): 20 x 7).
TWENTY_WEEKS_DAYS = 140
STATE_COLUMNS = ["year", "child_id", "ncy", "age_band", "need", "setting", "setting_group"]
EVENT_COLUMNS = [
    "year",
    "child_id",
    "ncy",
    "received_date",
    "request_outcome",
    "request_outcome_date",
    "assessment_outcome",
    "assessment_outcome_date",
    "week20",
    "plan_start_date",
    "cease_date",
    "cease_reason",
]


#: Modules the census states (setting and need of each child with a plan) are made from.
CENSUS_MODULES = ("active_plan", "placement", "need")
#: Tables made from census states; a layout without placements and needs cannot give them.
STATE_TABLES = ("caseload", "transitions")


class NotDerivableError(ModelInputError):
    """A derived table was asked of returns whose layout does not hold what it needs."""


def not_derivable_reason(layout: str) -> str:
    return (
        f"caseload by setting and need, and yearly transitions, cannot be derived from the "
        f"{layout} layout: it has no placement or need records. Import the return as DfE XML "
        f"or as the COLLECT Blade CSV export to get them"
    )


@dataclass
class Pseudonymised:
    """What is kept of one return: child states at the census and request-level events.

    ``states`` is None when the return's layout has no placements and needs (the m1-m5
    CSVs); ``unavailable`` then maps each table that cannot be derived to the reason.
    """

    year: int
    la_code: str
    persons: pd.DataFrame  # child_id, birth_month, ncy, sex, ethnicity, upn_unknown, id_basis
    states: pd.DataFrame | None  # STATE_COLUMNS: one row per child with a plan at the census
    events: pd.DataFrame  # EVENT_COLUMNS: one row per request record
    unavailable: dict[str, str] = field(default_factory=dict)


def _period(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Calendar year before the census: the period flows are reported for."""
    return pd.Timestamp(year - 1, 1, 1), pd.Timestamp(year - 1, 12, 31)


def _need_code(code) -> str:
    return code if isinstance(code, str) and code in NEED_BY_CODE else "UNKNOWN"


def census_states(
    ret: Sen2Return, persons: pd.DataFrame, establishments: pd.DataFrame
) -> pd.DataFrame:
    """One row per child with an active plan on the census day: NCY, need, setting."""
    ref = ret.reference_date
    active = ret["active_plan"][["active_plan_key", "person_key"]]
    place = ret["placement"]
    current = place[
        (place["placement_rank"] == 1)
        & (place["entry_date"].isna() | (place["entry_date"] <= ref))
        & (place["leaving_date"].isna() | (place["leaving_date"] >= ref))
    ].copy()
    current["setting"] = placement_settings(current, establishments)
    current = current.sort_values(["active_plan_key", "entry_date"]).drop_duplicates(
        "active_plan_key", keep="last"
    )
    need = ret["need"]
    need = need[need["sen_type_rank"] == 1].drop_duplicates("active_plan_key")
    frame = (
        active.merge(current[["active_plan_key", "setting"]], on="active_plan_key", how="left")
        .merge(need[["active_plan_key", "sen_type"]], on="active_plan_key", how="left")
        .merge(persons[["person_key", "child_id", "ncy"]], on="person_key", how="inner")
        .drop_duplicates("child_id")
    )
    frame["setting"] = frame["setting"].fillna("unknown")
    frame["need"] = frame["sen_type"].map(_need_code)
    frame["setting_group"] = frame["setting"].map(lambda s: SETTING_BY_CODE[s].group)
    frame["year"] = ret.year
    frame["age_band"] = frame["ncy"].map(_band)
    return frame[STATE_COLUMNS].sort_values("child_id").reset_index(drop=True)


def _band(ncy) -> str | None:
    try:
        return age_band_of_ncy(int(ncy))
    except (TypeError, ValueError):
        return None


def request_events(ret: Sen2Return, persons: pd.DataFrame) -> pd.DataFrame:
    """One row per request with its assessment and named plan (pseudonymised)."""
    frame = (
        ret["request"]
        .merge(
            ret["assessment"].drop(columns=["person_key", "source_row"]),
            on="request_key",
            how="left",
        )
        .merge(
            ret["named_plan"].drop(columns=["person_key", "source_row"]),
            on="assessment_key",
            how="left",
        )
        .merge(persons[["person_key", "child_id", "ncy"]], on="person_key", how="inner")
        .drop_duplicates("request_key")
    )
    frame = frame.rename(columns={"start_date": "plan_start_date"})
    frame["year"] = ret.year
    return frame[EVENT_COLUMNS].sort_values(["child_id", "received_date"]).reset_index(drop=True)


def prepare(ret: Sen2Return, key: bytes, establishments: pd.DataFrame) -> Pseudonymised:
    """Pseudonymise a return: from here on no name, UPN, postcode or birth date exists."""
    persons = pseudonymise_persons(ret["person"], ret.year, key)
    has_states = ret.carries(*CENSUS_MODULES)
    reason = not_derivable_reason(ret.layout)
    return Pseudonymised(
        year=ret.year,
        la_code=ret.la_code,
        persons=persons,
        states=census_states(ret, persons, establishments) if has_states else None,
        events=request_events(ret, persons),
        unavailable={} if has_states else dict.fromkeys(STATE_TABLES, reason),
    )


def _require_states(states: pd.DataFrame | None, table: str) -> pd.DataFrame:
    if states is None:
        raise NotDerivableError(f"{table}: {not_derivable_reason('m1-m5 module CSV')}")
    return states


def caseload(states: pd.DataFrame | None) -> pd.DataFrame:
    """Children with an active plan at each census by NCY, need, setting and setting group.

    Raises :class:`NotDerivableError` when ``states`` is None (a layout without placements).
    """
    states = _require_states(states, "caseload")
    keys = ["year", "ncy", "age_band", "need", "setting", "setting_group"]
    out = states.groupby(keys, dropna=False).size().rename("children").reset_index()
    return out.sort_values(keys).reset_index(drop=True)


def transitions(states: pd.DataFrame | None, events: pd.DataFrame) -> pd.DataFrame:
    """Per child, January census ``year`` to ``year + 1``: stayer, mover, joiner or leaver.

    Columns: year, child_id, ncy_from, need_from, setting_from, ncy_to, need_to, setting_to,
    leave_reason. Only pairs of consecutive years that both have a return are compared.
    A joiner has need_from/setting_from missing; a leaver has need_to/setting_to missing and
    ``leave_reason`` = the SEN2 CeaseReason of the plan ceased between the two censuses.
    Raises :class:`NotDerivableError` when ``states`` is None (a layout without placements).
    """
    states = _require_states(states, "transitions")
    years = sorted(states["year"].unique())
    pairs = [(y, y + 1) for y in years if y + 1 in years]
    parts = []
    for y, nxt in pairs:
        a = states[states["year"] == y][["child_id", "ncy", "need", "setting"]]
        b = states[states["year"] == nxt][["child_id", "ncy", "need", "setting"]]
        both = a.merge(b, on="child_id", how="outer", suffixes=("_from", "_to"))
        both["ncy_from"] = both["ncy_from"].fillna(both["ncy_to"] - 1)
        both["ncy_to"] = both["ncy_from"] + 1
        both["year"] = y
        ceased = (
            events[(events["year"] == nxt) & events["cease_date"].notna()]
            .sort_values("cease_date")
            .drop_duplicates("child_id", keep="last")
        )
        both = both.merge(
            ceased[["child_id", "cease_reason"]].rename(columns={"cease_reason": "leave_reason"}),
            on="child_id",
            how="left",
        )
        both.loc[both["setting_to"].notna(), "leave_reason"] = None
        parts.append(both)
    columns = [
        "year",
        "child_id",
        "ncy_from",
        "need_from",
        "setting_from",
        "ncy_to",
        "need_to",
        "setting_to",
        "leave_reason",
    ]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    out = pd.concat(parts, ignore_index=True)[columns]
    out["year"] = out["year"].astype(int)
    out["ncy_from"] = out["ncy_from"].astype("Int64")
    out["ncy_to"] = out["ncy_to"].astype("Int64")
    return out.sort_values(["year", "child_id"]).reset_index(drop=True)


def funnel(events: pd.DataFrame) -> pd.DataFrame:
    """Requests -> decisions -> assessments -> plans in the calendar year before each census.

    Stages (children's requests counted): requests_received, decided_to_assess,
    refused_to_assess, withdrawn_before_decision, decision_pending, plans_issued,
    decided_not_to_issue, plans_ceased.
    """
    rows = []
    for year, ev in events.groupby("year"):
        start, end = _period(int(year))
        received = ev["received_date"].between(start, end)
        decided = ev["request_outcome_date"].between(start, end)
        assessed = ev["assessment_outcome_date"].between(start, end)
        counts = {
            "requests_received": received.sum(),
            "decided_to_assess": (decided & (ev["request_outcome"] == "Y")).sum(),
            "refused_to_assess": (decided & (ev["request_outcome"] == "N")).sum(),
            "withdrawn_before_decision": (received & (ev["request_outcome"] == "W")).sum(),
            "decision_pending": (received & (ev["request_outcome"] == "A")).sum(),
            "plans_issued": (assessed & (ev["assessment_outcome"] == "Y")).sum(),
            "decided_not_to_issue": (assessed & (ev["assessment_outcome"] == "N")).sum(),
            "plans_ceased": ev["cease_date"].between(start, end).sum(),
        }
        rows += [{"year": int(year), "stage": k, "children": int(v)} for k, v in counts.items()]
    return pd.DataFrame(rows, columns=["year", "stage", "children"])


def plan_weeks(events: pd.DataFrame) -> pd.DataFrame:
    """Plans issued in each period with days and weeks from request to the final plan.

    DfE's method: start ``ReceivedDate``, end ``AssessmentOutcomeDate`` where the outcome is
    Y (plan issued) in the calendar year; historical records (H) and missing dates skipped.
    """
    ev = events[(events["assessment_outcome"] == "Y") & events["received_date"].notna()]
    ev = ev[ev["request_outcome"] != "H"]
    in_period = [
        ev.loc[ev["year"] == y, "assessment_outcome_date"].between(*_period(int(y)))
        for y in ev["year"].unique()
    ]
    ev = ev[pd.concat(in_period).reindex(ev.index, fill_value=False)] if in_period else ev
    days = (ev["assessment_outcome_date"] - ev["received_date"]).dt.days
    return pd.DataFrame(
        {
            "year": ev["year"].to_numpy(),
            "child_id": ev["child_id"].to_numpy(),
            "days": days.to_numpy(),
            "weeks": (days / 7).to_numpy(),
            "exception": (ev["week20"].fillna(0) == 1).to_numpy(),
        }
    )


def timeliness(events: pd.DataFrame) -> pd.DataFrame:
    """The 20-week rate per year, including and excluding plans where exceptions apply.

    Columns: year, exceptions ("included" | "excluded"), plans_issued, within_20_weeks,
    weeks_20_to_52, over_52_weeks, rate_20_weeks (percent).
    """
    weeks = plan_weeks(events)
    rows = []
    for year, group in weeks.groupby("year"):
        for label, part in (("included", group), ("excluded", group[~group["exception"]])):
            within = int((part["days"] <= TWENTY_WEEKS_DAYS).sum())
            over_52 = int((part["days"] > 52 * 7).sum())
            total = len(part)
            rows.append(
                {
                    "year": int(year),
                    "exceptions": label,
                    "plans_issued": total,
                    "within_20_weeks": within,
                    "weeks_20_to_52": total - within - over_52,
                    "over_52_weeks": over_52,
                    "rate_20_weeks": round(100 * within / total, 1) if total else float("nan"),
                }
            )
    columns = [
        "year",
        "exceptions",
        "plans_issued",
        "within_20_weeks",
        "weeks_20_to_52",
        "over_52_weeks",
        "rate_20_weeks",
    ]
    return pd.DataFrame(rows, columns=columns)


def ceased(events: pd.DataFrame) -> pd.DataFrame:
    """Plans ceased in the calendar year before each census, by SEN2 CeaseReason code."""
    parts = []
    for year, ev in events.groupby("year"):
        mask = ev["cease_date"].between(*_period(int(year)))
        counts = ev[mask].groupby(ev["cease_reason"].fillna("missing")).size()
        parts.append(
            pd.DataFrame(
                {"year": int(year), "cease_reason": counts.index, "children": counts.to_numpy()}
            )
        )
    if not parts:
        return pd.DataFrame(columns=["year", "cease_reason", "children"])
    return pd.concat(parts, ignore_index=True)


def all_derived(states: pd.DataFrame | None, events: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every derived table, by name, from the states and events of one or more returns.

    With ``states`` None (returns read from the m1-m5 CSVs, which hold no placements or
    needs) only the funnel, timeliness and ceased tables are given; caseload and transitions
    are left out rather than filled with zeros (see :data:`STATE_TABLES`).
    """
    made = {"caseload": caseload, "transitions": lambda s: transitions(s, events)}
    out = {name: make(states) for name, make in made.items()} if states is not None else {}
    return out | {
        "funnel": funnel(events),
        "timeliness": timeliness(events),
        "ceased": ceased(events),
    }
