"""A synthetic local authority: person-level SEN2 returns for fictional children, year by year.

Life courses are simulated from one January census to the next: every child ages a year;
young people reaching 25 leave (reason 1); in each age band enough children leave (with
reasons plausible for their age) or join (new plans, and transfers in) for the band total to
match the calibration target; children move setting mostly at phase transfer (Reception,
Year 7, Year 12, Year 14) and are placed so that setting-group totals follow the target.
Requests, decisions and assessments are dated so that the stated share of plans is issued
within 20 weeks. Everything is drawn from one seeded generator: the same seed gives the
same LA.

Names, postcodes (``SB`` area, which does not exist) and UPNs (LA number 999) are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from highneeds.sen2.calibration import bundled_targets, project, target
from highneeds.sen2.model import MODULES, Sen2Return
from highneeds.sen2.upn import upn_with_check_letter
from highneeds.vocabulary import (
    AGE_BANDS,
    GIAS_TYPE_FAMILY,
    SETTING_BY_CODE,
    SETTING_GROUPS,
    age_to_ncy,
    setting_code,
)

LA_CODE = "999"
LA_NAME = "Stockbridge (fictional)"
SEN2_SETTING_CODES = ("OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO")
#: NCY range each setting group can take a child in (school age groups stop at Year 14).
GROUP_NCY = {
    "early_years": (-4, 0),
    "mainstream": (-1, 13),
    "special": (-1, 14),
    "ap_pru": (1, 11),
    "fe": (12, 20),
    "neet": (12, 20),
    "educated_elsewhere": (1, 20),
    "other": (1, 20),
    "work_based": (12, 20),
}
#: Shares of the type of need by phase (illustrative national pattern; not calibrated).
NEED_SHARES = {
    "early": {
        "SLCN": 35,
        "ASD": 25,
        "PD": 8,
        "SLD": 6,
        "PMLD": 4,
        "HI": 3,
        "VI": 2,
        "MSI": 1,
        "OTH": 6,
        "MLD": 5,
        "SEMH": 4,
        "SPLD": 1,
    },
    "school": {
        "ASD": 32,
        "SEMH": 17,
        "SLCN": 14,
        "MLD": 11,
        "SLD": 9,
        "SPLD": 4,
        "PMLD": 2,
        "PD": 4,
        "HI": 2,
        "VI": 1,
        "MSI": 1,
        "OTH": 3,
    },
}
#: Cease reasons (SEN2 CeaseReason) for leavers under 16 and from 16, with weights.
LEAVE_REASONS = {
    "young": {"2": 50, "5": 35, "7": 10, "9": 5},
    "older": {"2": 15, "3": 15, "4": 20, "5": 15, "6": 25, "9": 10},
}
FORENAMES = (
    "Ash",
    "Bryn",
    "Cai",
    "Dara",
    "Eli",
    "Fen",
    "Gale",
    "Hollis",
    "Isa",
    "Jory",
    "Kit",
    "Lark",
    "Merrin",
    "Nell",
    "Oak",
    "Perrin",
    "Quill",
    "Rowan",
    "Sable",
    "Tamsin",
)
SURNAMES = (
    "Amberfield",
    "Brookwell",
    "Cinderby",
    "Dunmere",
    "Elmsworth",
    "Fallowby",
    "Greystone",
    "Hartwell",
    "Ivybridge",
    "Juniper",
    "Kestrelby",
    "Larkspur",
    "Merriweather",
    "Nettleby",
    "Oakhollow",
    "Pebbleford",
    "Quarrington",
    "Rushworth",
    "Sparrowby",
    "Thistlewood",
)


@dataclass
class SynthConfig:
    """What to generate. ``children`` scales the LA: the caseload of the last year, roughly."""

    first_year: int = 2019
    last_year: int = 2024
    seed: int = 2024
    children: int | None = None  # None: the size of the calibration LA
    inject: tuple[str, ...] = ()  # error kinds, see highneeds.sen2.inject
    #: Percent of plans issued within 20 weeks; None: the calibration LA's rate each year.
    rate_20_weeks: float | None = None
    targets: pd.DataFrame | None = field(default=None, repr=False)


def fictional_establishments() -> pd.DataFrame:
    """URN, name and GIAS type of the fictional schools and colleges (deterministic)."""
    families = sorted(set(GIAS_TYPE_FAMILY.values()) - {"welsh_setting", "other_placement"})
    rows = []
    first_type = {}
    for gias, family in sorted(GIAS_TYPE_FAMILY.items()):
        first_type.setdefault(family, gias)
    for i, family in enumerate(families):
        count = 12 if family.startswith(("mainstream_la", "mainstream_academy")) else 3
        for j in range(count):
            label = SETTING_BY_CODE[family].label.replace("–", "-")
            rows.append(
                {
                    "urn": f"{990000 + i * 20 + j}",
                    "ukprn": "",
                    "name": f"Stockbridge {label} {j + 1} (fictional)",
                    "gias_type_code": first_type[family],
                    "family": family,
                }
            )
    return pd.DataFrame(rows)


def _expressible(setting: str) -> tuple[str, int, int] | tuple[None, str]:
    """How a setting is written in SEN2: (URN family, rp flag, unit flag) or (None, code)."""
    for code in SEN2_SETTING_CODES:
        if setting_code(code) == setting:
            return (None, code)
    for suffix, rp, unit in (("_rp", 1, 0), ("_unit", 0, 1), ("", 0, 0)):
        base = setting.removesuffix(suffix) if suffix else setting
        if (suffix == "" or setting.endswith(suffix)) and base in GIAS_TYPE_FAMILY.values():
            return (base, rp, unit)
    return (None, "")


class _Sim:
    def __init__(self, config: SynthConfig):
        self.config = config
        self.rng = np.random.default_rng(config.seed)
        targets = config.targets if config.targets is not None else bundled_targets()
        self.targets = project(targets, config.last_year)
        base_total = target(self.targets, config.last_year, "caseload")
        self.scale = (config.children / base_total) if config.children else 1.0
        self.estabs = fictional_establishments()
        self.setting_weights = self._setting_weights()
        self.kids = pd.DataFrame()
        self.next_id = 0
        self.returns: list[Sen2Return] = []

    # -- targets ---------------------------------------------------------------------------
    def t(self, year, measure, setting="total", dimension="total", category="total") -> float:
        value = target(self.targets, year, measure, setting, dimension, category)
        return 0.0 if np.isnan(value) else value * self.scale

    def _setting_weights(self) -> dict[str, tuple[list[str], np.ndarray]]:
        year = int(self.targets.loc[self.targets["measure"] == "caseload", "year"].min())
        year = min(self.config.last_year, 2022) if 2022 in set(self.targets["year"]) else year
        rows = self.targets[
            (self.targets["year"] == year)
            & (self.targets["measure"] == "caseload")
            & (self.targets["dimension"] == "total")
            & ~self.targets["setting"].str.startswith("group:")
            & (self.targets["setting"] != "total")
        ]
        out = {}
        for group in (g.code for g in SETTING_GROUPS):
            codes, weights = [], []
            for rec in rows.itertuples():
                if (
                    SETTING_BY_CODE[rec.setting].group == group
                    and _expressible(rec.setting)[1] != ""
                ):
                    codes.append(rec.setting)
                    weights.append(max(rec.value, 0) + 0.01)
            if codes:
                w = np.array(weights)
                out[group] = (codes, w / w.sum())
        out.setdefault("neet", (["neet"], np.array([1.0])))
        out.setdefault("other", (["other_placement"], np.array([1.0])))
        return out

    # -- children ---------------------------------------------------------------------------
    def new_children(self, count: int, ncys: np.ndarray, year: int) -> pd.DataFrame:
        """``count`` fictional children holding ``ncys`` at the census of ``year``."""
        rng = self.rng
        ids = np.arange(self.next_id, self.next_id + count)
        self.next_id += count
        # Born between 1 Sep and 31 Aug of the school-year cohort of that NCY.
        cohort = (year - 1) - (ncys + 4) - 1  # the September this cohort's year starts
        offset = rng.integers(0, 365, count)
        birth = pd.to_datetime(cohort.astype(str) + "-09-01") + pd.to_timedelta(offset, "D")
        phase = np.where(ncys <= 0, "early", "school")
        need = np.empty(count, dtype=object)
        for p in ("early", "school"):
            mask = phase == p
            codes = list(NEED_SHARES[p])
            w = np.array(list(NEED_SHARES[p].values()), dtype=float)
            need[mask] = rng.choice(codes, mask.sum(), p=w / w.sum())
        return pd.DataFrame(
            {
                "cid": ids,
                "birth": birth,
                # Names are a function of the id, so no two fictional children share one.
                "forename": [f"{FORENAMES[i % 20]} {FORENAMES[(i // 8000) % 20]}" for i in ids],
                "surname": [f"{SURNAMES[(i // 20) % 20]}-{SURNAMES[(i // 400) % 20]}" for i in ids],
                "sex": rng.choice(["M", "F"], count, p=[0.72, 0.28]),
                "ethnicity": rng.choice(
                    ["WBRI", "WOTH", "MWBC", "APKN", "BAFR", "AOTH"],
                    count,
                    p=[0.8, 0.05, 0.05, 0.04, 0.03, 0.03],
                ),
                "postcode": [
                    f"SB{1 + i % 9} {i % 10}{'ABDEFGHJ'[i % 8]}{'LNPQRSTU'[(i // 8) % 8]}"
                    for i in ids
                ],
                "upn": [upn_with_check_letter(f"{LA_CODE}{i:09d}") for i in ids],
                "need": need,
                "need2": np.where(
                    rng.random(count) < 0.3,
                    rng.choice(["SLCN", "SEMH", "MLD", "SPLD"], count),
                    None,
                ),
                "group": None,
                "setting": None,
                "urn": None,
                "entry": pd.NaT,
                "prev_urn": None,
                "prev_setting": None,
                "prev_leave": pd.NaT,
                "received": pd.NaT,
                "decided": pd.NaT,
                "issued": pd.NaT,
                "transfer_la": None,
                "week20": 0,
                "active": True,
                "cease_date": pd.NaT,
                "cease_reason": None,
                "cease_year": 0,
            }
        )

    def ncy(self, kids: pd.DataFrame, year: int) -> np.ndarray:
        born = kids["birth"]
        age = (year - 1) - born.dt.year - (born.dt.month >= 9).astype(int)
        return (age - 4).to_numpy()

    def date_plans(self, kids: pd.DataFrame, year: int, *, historical: bool) -> None:
        """Request, decision and issue dates; issued in calendar ``year - 1`` unless historical."""
        rng = self.rng
        n = len(kids)
        rate = self.t(year, "rate_20_weeks") / self.scale if not historical else 60.0
        if self.config.rate_20_weeks is not None and not historical:
            rate = self.config.rate_20_weeks
        rate = (rate if rate > 0 else 60.0) / 100
        on_time = rng.random(n) < rate
        duration = np.where(on_time, rng.integers(70, 141, n), rng.integers(141, 330, n))
        if historical:
            issue = pd.Timestamp(year - 1, 1, 1) - pd.to_timedelta(
                rng.integers(30, 365 * 6, n), "D"
            )
        else:
            issue = pd.Timestamp(year - 1, 1, 10) + pd.to_timedelta(rng.integers(0, 350, n), "D")
        issue = pd.Series(issue, index=kids.index)
        earliest = kids["birth"] + pd.Timedelta(days=200)
        received = (issue - pd.to_timedelta(duration, "D")).where(
            issue - pd.to_timedelta(duration, "D") > earliest, earliest
        )
        issue = issue.where(
            issue > received + pd.Timedelta(days=50), received + pd.Timedelta(days=60)
        )
        # Nothing may be dated after the census day (mid-January): pull late records back.
        latest = pd.Timestamp(year, 1, 10)
        late = issue > latest
        issue = issue.where(~late, latest)
        received = received.where(~late, latest - pd.Timedelta(days=60))
        kids.loc[:, "received"] = received
        kids.loc[:, "decided"] = received + pd.to_timedelta(rng.integers(20, 43, n), "D")
        kids.loc[:, "decided"] = kids["decided"].where(
            kids["decided"] < issue, received + (issue - received) / 2
        )
        kids.loc[:, "issued"] = issue
        late = (issue - received).dt.days > 140
        kids.loc[:, "week20"] = (late & (rng.random(n) < 0.1)).astype(int)

    # -- placement ----------------------------------------------------------------------------
    def assign_groups(
        self, kids: pd.DataFrame, free: np.ndarray, ncy: np.ndarray, year: int
    ) -> np.ndarray:
        rng = self.rng
        groups = [g for g in GROUP_NCY if g in self.setting_weights]
        target_g = np.array([self.t(year, "caseload", f"group:{g}") for g in groups])
        current = kids.loc[~free & kids["active"].to_numpy(), "group"].value_counts()
        deficit = target_g - np.array([current.get(g, 0) for g in groups], dtype=float)
        lo = np.array([GROUP_NCY[g][0] for g in groups])
        hi = np.array([GROUP_NCY[g][1] for g in groups])
        chosen = []
        order = np.flatnonzero(free)
        for i in order:
            ok = (lo <= ncy[i]) & (ncy[i] <= hi)
            if not ok.any():
                ok = (
                    np.array([g == "fe" for g in groups])
                    if ncy[i] > 0
                    else np.array([g == "early_years" for g in groups])
                )
            w = np.clip(deficit, 0, None) * ok
            if w.sum() <= 0:
                w = (target_g + 0.5) * ok
            k = rng.choice(len(groups), p=w / w.sum())
            deficit[k] -= 1
            chosen.append(groups[k])
        kids.loc[kids.index[order], "group"] = chosen
        return self.rebalance(kids, ncy, year, groups, target_g, lo, hi)

    def rebalance(self, kids, ncy, year, groups, target_g, lo, hi) -> np.ndarray:
        """Move children out of groups over target into compatible groups under target.

        Stands for the moves LAs make between phases (a special school pupil going on to a
        specialist college); returns which children changed group.
        """
        rng = self.rng
        changed = np.zeros(len(kids), dtype=bool)
        active = kids["active"].to_numpy()
        group = kids["group"].to_numpy().copy()
        for _ in range(3):
            counts = pd.Series(group[active]).value_counts()
            gap = target_g - np.array([counts.get(g, 0) for g in groups], dtype=float)
            for k in np.argsort(gap):
                if gap[k] >= -0.02 * target_g[k] - 1:
                    break
                members = np.flatnonzero(active & (group == groups[k]))
                rng.shuffle(members)
                for i in members:
                    ok = (lo <= ncy[i]) & (ncy[i] <= hi) & (gap > 0.5)
                    ok[k] = False
                    if not ok.any():
                        continue
                    j = rng.choice(len(groups), p=(gap * ok) / (gap * ok).sum())
                    group[i] = groups[j]
                    gap[j] -= 1
                    gap[k] += 1
                    changed[i] = True
                    if gap[k] >= -0.01 * target_g[k]:
                        break
        kids["group"] = group
        return changed

    def assign_settings(self, kids: pd.DataFrame, rows: np.ndarray, entry: pd.Timestamp) -> None:
        rng = self.rng
        for group, idx in kids.loc[kids.index[rows]].groupby("group").groups.items():
            codes, p = self.setting_weights[group]
            settings = rng.choice(codes, len(idx), p=p)
            kids.loc[idx, "prev_urn"] = kids.loc[idx, "urn"]
            kids.loc[idx, "prev_setting"] = kids.loc[idx, "setting"]
            kids.loc[idx, "prev_leave"] = kids.loc[idx, "entry"].where(
                kids.loc[idx, "entry"].isna(), entry - pd.Timedelta(days=40)
            )
            kids.loc[idx, "setting"] = settings
            urns = []
            for s in settings:
                family = _expressible(s)[0]
                pool = self.estabs.loc[self.estabs["family"] == family, "urn"].to_numpy()
                urns.append(rng.choice(pool) if family else None)
            kids.loc[idx, "urn"] = urns
            kids.loc[idx, "entry"] = entry

    # -- the years ---------------------------------------------------------------------------
    def first_census(self, year: int) -> None:
        parts = []
        for band in AGE_BANDS:
            n = round(self.t(year, "caseload", "total", "age_band", band.code))
            lo, hi = (
                age_to_ncy(max(band.min_age, 0)),
                age_to_ncy(band.max_age - (band.code == "20_25")),
            )
            ncys = np.arange(lo, hi + 1)
            w = np.ones(len(ncys))
            if band.code == "under_5":  # most under-5s with a plan are in nursery or Reception
                w = np.array([0.02, 0.05, 0.08, 0.3, 0.55])[-len(ncys) :]
            if band.code == "20_25":
                w = np.linspace(2.0, 0.5, len(ncys))
            parts.append(self.new_children(n, self.rng.choice(ncys, n, p=w / w.sum()), year))
        kids = pd.concat(parts, ignore_index=True)
        self.date_plans(kids, year, historical=True)
        kids["issued"] = kids[["issued", "birth"]].max(axis=1)
        ncy = self.ncy(kids, year)
        free = np.ones(len(kids), dtype=bool)
        self.assign_groups(kids, free, ncy, year)
        self.assign_settings(kids, free, pd.Timestamp(year - 1, 9, 1))
        kids["prev_urn"] = None
        kids["prev_setting"] = None
        kids["prev_leave"] = pd.NaT
        kids["entry"] = (
            kids[["issued"]]
            .max(axis=1)
            .where(kids["issued"] > pd.Timestamp(year - 1, 9, 1), pd.Timestamp(year - 1, 9, 1))
        )
        self.kids = kids

    def next_census(self, year: int) -> None:
        rng = self.rng
        kids = self.kids[self.kids["active"]].copy()
        kids["prev_urn"], kids["prev_setting"], kids["prev_leave"] = None, None, pd.NaT
        kids["transfer_la"] = None
        ncy = self.ncy(kids, year)
        leave_window = (pd.Timestamp(year - 1, 1, 20), pd.Timestamp(year - 1, 12, 31))
        span = (leave_window[1] - leave_window[0]).days
        too_old = ncy > 20
        self._cease(kids, too_old, "1", pd.Timestamp(year - 1, 7, 31), year)
        joiners = []
        for band in AGE_BANDS:
            lo, hi = age_to_ncy(band.min_age), age_to_ncy(band.max_age)
            in_band = (ncy >= lo) & (ncy <= hi) & ~too_old
            want = round(self.t(year, "caseload", "total", "age_band", band.code))
            new = round(self.t(year, "new_plans", "total", "age_band", band.code))
            surplus = in_band.sum() + new - want
            if surplus > 0:
                pick = rng.choice(
                    np.flatnonzero(in_band), min(surplus, in_band.sum()), replace=False
                )
                mask = np.zeros(len(kids), dtype=bool)
                mask[pick] = True
                dates = leave_window[0] + pd.to_timedelta(rng.integers(0, span, mask.sum()), "D")
                reasons = LEAVE_REASONS["older" if band.min_age >= 16 else "young"]
                codes = rng.choice(
                    list(reasons),
                    mask.sum(),
                    p=np.array(list(reasons.values())) / sum(reasons.values()),
                )
                self._cease(kids, mask, codes, dates, year)
            transfers = max(-surplus, 0)
            span_ncy = np.arange(max(lo, -4), min(hi, 19) + 1)
            w = np.ones(len(span_ncy))
            if band.code == "under_5":
                w = np.array([0.02, 0.05, 0.08, 0.3, 0.55])[-len(span_ncy) :]
            if new + transfers:
                ncys = rng.choice(span_ncy, new + transfers, p=w / w.sum())
                born = self.new_children(new + transfers, ncys, year)
                self.date_plans(born, year, historical=False)
                if transfers:
                    idx = born.index[new:]
                    born.loc[idx, "transfer_la"] = rng.choice(
                        ["350", "351", "352", "354", "355", "357"], transfers
                    )
                    born.loc[idx, "received"] = born.loc[idx, "received"] - pd.Timedelta(days=400)
                    born.loc[idx, "decided"] = born.loc[idx, "decided"] - pd.Timedelta(days=400)
                    born.loc[idx, "issued"] = born.loc[idx, "issued"] - pd.Timedelta(days=400)
                joiners.append(born)
        leavers = kids[~kids["active"]]
        self.ceased_this_year = leavers
        stay = kids[kids["active"]]
        stay_ncy = ncy[kids["active"].to_numpy()]
        # Phase transfer: new school at Reception, Year 7, Year 12 and Year 14; else 4% move.
        phase = np.isin(stay_ncy, [0, 7, 12, 14])
        lo = stay["group"].map(lambda g: GROUP_NCY[g][0]).to_numpy()
        hi = stay["group"].map(lambda g: GROUP_NCY[g][1]).to_numpy()
        outgrown = (stay_ncy < lo) | (stay_ncy > hi)
        move = phase | outgrown | (rng.random(len(stay)) < 0.04)
        regroup = outgrown | (np.isin(stay_ncy, [12, 14]) & (rng.random(len(stay)) < 0.7))
        new_kids = pd.concat([stay, *joiners], ignore_index=True)
        all_ncy = self.ncy(new_kids, year)
        free = np.zeros(len(new_kids), dtype=bool)
        free[: len(stay)] = regroup
        free[len(stay) :] = True
        changed = self.assign_groups(new_kids, free, all_ncy, year)
        moved = np.zeros(len(new_kids), dtype=bool)
        moved[: len(stay)] = move
        moved |= changed
        self.assign_settings(new_kids, moved, pd.Timestamp(year - 1, 9, 1))
        joined = np.zeros(len(new_kids), dtype=bool)
        joined[len(stay) :] = True
        self.assign_settings(new_kids, joined, pd.Timestamp(year - 1, 9, 1))
        new_kids.loc[joined, "prev_urn"] = None
        new_kids.loc[joined, "prev_setting"] = None
        new_kids.loc[joined, "prev_leave"] = pd.NaT
        new_kids.loc[joined, "entry"] = new_kids.loc[joined, "issued"].where(
            new_kids.loc[joined, "issued"] > pd.Timestamp(year - 1, 9, 1),
            pd.Timestamp(year - 1, 9, 1),
        )
        new_kids.loc[joined, "joined_year"] = year
        self.kids = new_kids

    def _cease(self, kids, mask, reason, date, year) -> None:
        kids.loc[mask, "active"] = False
        kids.loc[mask, "cease_reason"] = reason
        kids.loc[mask, "cease_date"] = date
        kids.loc[mask, "cease_year"] = year

    def requesters(self, year: int) -> pd.DataFrame:
        """Children whose request was refused or whose assessment ended without a plan."""
        new = round(self.t(year, "new_plans"))
        n_refused, n_not_issued = round(new * 0.2), round(new * 0.06)
        ncys = self.rng.integers(0, 12, n_refused + n_not_issued)
        kids = self.new_children(n_refused + n_not_issued, ncys, year)
        self.date_plans(kids, year, historical=False)
        kids["outcome"] = ["N"] * n_refused + ["NI"] * n_not_issued
        kids["active"] = False
        return kids


def generate(config: SynthConfig) -> list[Sen2Return]:
    """One :class:`Sen2Return` per collection year, ``first_year`` to ``last_year``."""
    from highneeds.sen2.build import build_return  # the return layout lives with its writer
    from highneeds.sen2.inject import inject_errors

    sim = _Sim(config)
    returns = []
    sim.first_census(config.first_year)
    sim.kids["joined_year"] = 0
    ceased = sim.kids.iloc[0:0]
    for year in range(config.first_year, config.last_year + 1):
        if year > config.first_year:
            sim.next_census(year)
            ceased = sim.ceased_this_year
        ret = build_return(sim.kids, ceased, sim.requesters(year), year, LA_CODE)
        if config.inject:
            ret = inject_errors(ret, config.inject, seed=config.seed + year)
        returns.append(ret)
    return returns


def table_names() -> list[str]:
    return [m.name for m in MODULES]
