"""Realistic errors to inject into a synthetic return, so validation tests have work to do.

Each kind changes a few records and says which rule must find it (``EXPECTED_RULE``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from highneeds.sen2.model import Sen2Return

#: Error kind -> code of the rule that must report it.
EXPECTED_RULE = {
    "bad_upn": "S2-101",
    "duplicate_person": "S2-102",
    "bad_need_code": "S2-201",
    "bad_ethnicity": "S2-103",
    "request_after_decision": "S2-301",
    "plan_before_assessment": "S2-303",
    "cease_without_reason": "S2-401",
    "too_old": "S2-104",
    "no_rank1_placement": "S2-502",
    "overlapping_placements": "S2-503",
    "unknown_urn": "S2-504",
}
ERROR_KINDS = tuple(EXPECTED_RULE)


def inject_errors(ret: Sen2Return, kinds, *, seed: int = 0, count: int = 3) -> Sen2Return:
    """A copy of ``ret`` with ``count`` records broken for each error kind in ``kinds``."""
    rng = np.random.default_rng(seed)
    t = {name: frame.copy() for name, frame in ret.tables.items()}

    def pick(frame: pd.DataFrame, mask=None) -> pd.Index:
        rows = frame.index if mask is None else frame.index[mask]
        return pd.Index(rng.choice(rows, min(count, len(rows)), replace=False))

    for kind in kinds:
        if kind == "bad_upn":
            rows = pick(t["person"], t["person"]["upn"].notna())
            t["person"].loc[rows, "upn"] = t["person"].loc[rows, "upn"].str[::-1].str.upper()
        elif kind == "duplicate_person":
            dup = t["person"].loc[pick(t["person"])].copy()
            dup["person_key"] = "dup" + dup["person_key"]
            t["person"] = pd.concat([t["person"], dup], ignore_index=True)
        elif kind == "bad_need_code":
            t["need"].loc[pick(t["need"]), "sen_type"] = "AUT"
        elif kind == "bad_ethnicity":
            t["person"].loc[pick(t["person"]), "ethnicity"] = "XXXX"
        elif kind == "request_after_decision":
            r = t["request"]
            rows = pick(r, r["request_outcome_date"].notna())
            r.loc[rows, "received_date"] = r.loc[rows, "request_outcome_date"] + pd.Timedelta(
                days=5
            )
        elif kind == "plan_before_assessment":
            p = t["named_plan"].merge(
                t["assessment"][["assessment_key", "assessment_outcome_date"]],
                on="assessment_key",
                how="left",
            )
            rows = pick(t["named_plan"], p["assessment_outcome_date"].notna().to_numpy())
            dates = p.set_index(t["named_plan"].index).loc[rows, "assessment_outcome_date"]
            t["named_plan"].loc[rows, "start_date"] = dates - pd.Timedelta(days=30)
        elif kind == "cease_without_reason":
            rows = pick(t["named_plan"], t["named_plan"]["cease_date"].notna())
            t["named_plan"].loc[rows, "cease_reason"] = pd.NA
        elif kind == "too_old":
            rows = pick(t["person"])
            t["person"].loc[rows, "birth_date"] = pd.Timestamp(ret.year - 30, 3, 1)
        elif kind == "no_rank1_placement":
            pl = t["placement"]
            rows = pick(pl, (pl["leaving_date"].isna()).to_numpy())
            plans = pl.loc[rows, "active_plan_key"]
            t["placement"] = pl[~pl["active_plan_key"].isin(plans)]
        elif kind == "overlapping_placements":
            pl = t["placement"]
            rows = pick(pl, pl["leaving_date"].isna().to_numpy())
            extra = pl.loc[rows].copy()
            extra["placement_key"] = "ov" + extra["placement_key"]
            extra["entry_date"] = ret.reference_date - pd.Timedelta(days=60)
            t["placement"] = pd.concat([pl, extra], ignore_index=True)
        elif kind == "unknown_urn":
            pl = t["placement"]
            t["placement"].loc[pick(pl, pl["urn"].notna().to_numpy()), "urn"] = "123456"
        else:
            raise ValueError(f"unknown error kind {kind!r}; choose from {', '.join(ERROR_KINDS)}")
    return Sen2Return(
        header=dict(ret.header),
        tables=t,
        file_name=ret.file_name,
        layout=ret.layout,
        modules=ret.modules,
    )
