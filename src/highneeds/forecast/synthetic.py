"""A synthetic LA's transitions, population and valid states, for tests and benchmarks.

The children are invented by a simple known process (no real person's data), so a model's
fit can be checked against the truth and benchmarks can scale the caseload freely.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from highneeds.forecast import transitions as tr

NEEDS = ("ASD", "SEMH", "SLCN", "MLD", "SLD", "PD")
#: (setting, group, min NCY, max NCY)
SETTINGS = (
    ("MAIN", "mainstream", -2, 14),
    ("RP", "resourced_provision", 0, 14),
    ("SPEC", "special", -2, 19),
    ("INDEP", "independent", 0, 19),
    ("FE", "post16", 12, 20),
    ("EY", "early_years", -4, 0),
)


@dataclass
class SyntheticLA:
    transitions: pd.DataFrame
    population: pd.DataFrame
    valid_states: pd.DataFrame
    costs: pd.DataFrame


def synthetic_la(
    children: int = 4000, years: int = 4, first_year: int = 2019, seed: int = 0
) -> SyntheticLA:
    """About ``children`` children on plans, followed for ``years`` transition years."""
    rng = np.random.default_rng(seed)
    names = [s[0] for s in SETTINGS]
    lo = np.array([s[2] for s in SETTINGS])
    hi = np.array([s[3] for s in SETTINGS])
    n_set = len(SETTINGS)

    def place(ncy: np.ndarray) -> np.ndarray:
        """A setting valid at each NCY, weighted towards mainstream and special."""
        weights = np.array([5.0, 1.0, 3.0, 1.0, 2.0, 2.0])
        ok = (ncy[:, None] >= lo[None, :]) & (ncy[:, None] <= hi[None, :])
        p = ok * weights[None, :]
        p = p / p.sum(axis=1, keepdims=True)
        u = rng.random(len(ncy))[:, None]
        return (u > np.cumsum(p, axis=1)).sum(axis=1)

    ncy = rng.integers(-2, 19, size=children)
    need = rng.choice(len(NEEDS), size=children, p=[0.3, 0.2, 0.2, 0.12, 0.1, 0.08])
    setting = place(ncy)
    cohort_size = max(children // 3, 100) * 10
    rows = []
    for y in range(years):
        year = first_year + y
        leave_p = np.where(ncy >= 16, 0.25, np.where(ncy == 11, 0.08, 0.04))
        leave = (rng.random(len(ncy)) < leave_p) | (ncy >= 20)
        move = ~leave & (rng.random(len(ncy)) < 0.06)
        next_ncy = ncy + 1
        outstay = next_ncy > hi[setting]
        new_setting = setting.copy()
        redo = move | (outstay & ~leave)
        new_setting[redo] = place(np.minimum(next_ncy[redo], 20))
        need_change = ~leave & (rng.random(len(ncy)) < 0.02)
        new_need = np.where(need_change, rng.integers(0, len(NEEDS), len(ncy)), need)
        for i in range(len(ncy)):
            rows.append(
                (
                    year,
                    int(ncy[i]),
                    NEEDS[need[i]],
                    names[setting[i]],
                    int(next_ncy[i]),
                    None if leave[i] else NEEDS[new_need[i]],
                    None if leave[i] else names[new_setting[i]],
                )
            )
        n_join = rng.poisson(children * 0.09 * (1.03**y))
        j_ncy = rng.integers(-3, 16, size=n_join)
        j_need = rng.choice(len(NEEDS), size=n_join, p=[0.35, 0.2, 0.2, 0.1, 0.1, 0.05])
        j_set = place(j_ncy)
        for i in range(n_join):
            rows.append(
                (
                    year,
                    int(j_ncy[i]) - 1,
                    None,
                    None,
                    int(j_ncy[i]),
                    NEEDS[j_need[i]],
                    names[j_set[i]],
                )
            )
        stay = ~leave
        ncy = np.concatenate([next_ncy[stay], j_ncy])
        need = np.concatenate([new_need[stay], j_need])
        setting = np.concatenate([new_setting[stay], j_set])
    transitions = pd.DataFrame(rows, columns=list(tr.COLUMNS))
    transitions.insert(1, tr.CHILD_ID, [f"c{i}" for i in range(len(transitions))])
    pop_years = range(first_year, first_year + years + 15)
    population = pd.DataFrame(
        [(y, a, cohort_size) for y in pop_years for a in range(-5, 21)],
        columns=["year", "ncy", "population"],
    )
    valid_states = pd.DataFrame(
        {
            "setting": names,
            "setting_group": [s[1] for s in SETTINGS],
            "min_ncy": lo,
            "max_ncy": hi,
            "needs": [",".join(NEEDS)] * n_set,
            "moves_to": [",".join(names)] * n_set,
        }
    )
    costs = pd.DataFrame(
        [(n, s, 6000.0 + 4000.0 * i) for n in NEEDS for i, s in enumerate(names)],
        columns=["need", "setting", "cost"],
    )
    return SyntheticLA(transitions, population, valid_states, costs)
