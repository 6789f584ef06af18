"""Hand-made DfE-style tables with a known stock-flow process, and the bundled release."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from highneeds.forecast.public import BANDS

YEARS = tuple(range(2010, 2023))
#: The process the synthetic LAs follow: share of a band's children still in it a year on,
#: and share of the band below moving up into it.
KEEP = np.array([0.3, 0.8, 0.78, 0.7, 0.75])
UP = np.array([0.0, 0.15, 0.15, 0.15, 0.12])
PLAN_SPLIT = np.array([0.25, 0.4, 0.25, 0.07, 0.03])


def synthetic_tidy(
    las: int = 40, *, noise: bool = True, seed: int = 0, years=YEARS
) -> pd.DataFrame:
    """Caseload and new plans by age band in the DfE EHCP reader's tidy contract.

    LA numbers run 600, 601, … (no real LA has them); LA ``600`` is published as
    Northamptonshire's lineage instead (928 up to 2021, North 940 and West 941 from 2022,
    splitting the children 55/45) so reorganisations can be tested against the real lineage
    table. Without ``noise`` every figure follows exactly
    ``caseload = KEEP·caseload + UP·caseload_below + new_plans``.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(las):
        size = rng.uniform(300, 3000)
        c = size * np.array([0.05, 0.35, 0.35, 0.2, 0.05])
        growth = rng.normal(0.06, 0.02)
        for y in years:
            plans = size * 0.12 * np.exp(growth * (y - years[0])) * PLAN_SPLIT
            if noise:
                plans = rng.poisson(plans).astype(float)
            if y > years[0]:
                c = KEEP * c + UP * np.concatenate([[0.0], c[:-1]]) + plans
            if noise:
                c = np.round(c)
            members = [(f"{600 + i}", 1.0)]
            if i == 0:
                members = [("928", 1.0)] if y < 2022 else [("940", 0.55), ("941", 0.45)]
            for code, part in members:
                for b, band in enumerate(BANDS):
                    for measure, value in (("caseload", c[b]), ("new_plans", plans[b])):
                        rows.append(
                            {
                                "release": "2022",
                                "geographic_level": "la",
                                "area_code": code,
                                "area_name": f"LA {code}",
                                "region_code": "E12000001",
                                "year": y,
                                "measure": measure,
                                "setting": "total",
                                "dimension": "age_band",
                                "category": band,
                                "value": value * part,
                                "status": None,
                            }
                        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def synthetic_panel():
    from highneeds.forecast.public import build_panel

    return build_panel(synthetic_tidy())


@pytest.fixture(scope="session")
def bundled_panel():
    """Every LA of the bundled DfE 2022 release (reading it takes several seconds)."""
    from highneeds.forecast.public import build_panel
    from highneeds.importers.dfe import bundled_release_path
    from highneeds.readers.dfe_ehcp import read_release

    return build_panel(read_release(bundled_release_path()))


SAMPLE_2025 = Path(__file__).parents[2] / ".." / "shared" / "data" / "dfe-ehcp-2025-sample"


@pytest.fixture(scope="session")
def sample_2025_tidy():
    """The 2025 release's person-level layout, ten LAs (../shared/data)."""
    from highneeds.readers.dfe_ehcp import read_release

    return read_release(SAMPLE_2025)


@pytest.fixture(scope="session")
def merged_panel(sample_2025_tidy):
    """The bundled 2022 release with the 2025 sample read over it, newest winning (as the
    store and ``--release`` combine them): every LA to 2022, ten LAs to 2025."""
    from highneeds.forecast.public import build_panel
    from highneeds.importers.dfe import bundled_release_path
    from highneeds.readers.dfe_ehcp import read_release
    from highneeds.readers.dfe_merge import newest_wins

    both = pd.concat([read_release(bundled_release_path()), sample_2025_tidy])
    return build_panel(newest_wins(both))
