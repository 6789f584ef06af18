"""Reference data for every English upper-tier LA, shipped with highneeds (works offline).

- :func:`las`, :func:`find_la`, :func:`regions`, :func:`lower_tier_lookup`: who the LAs are
  (DfE 3-digit number, GSS code, name, region; abolished LAs and their successors).
- :func:`statistical_neighbours`: DfE children's services statistical neighbours, 2021 and
  2025 models.
- :func:`population`, :func:`population_by_band`, :func:`population_aged`: ONS mid-year
  estimates 2021–2023 by single year of age 0–25, and projections to 2043.
- :func:`imd`: English Indices of Deprivation 2019, upper-tier summaries.

The readers of the published files (used only by ``scripts/build_reference_data.py``) live in
the submodules :mod:`~highneeds.reference.neighbours`, :mod:`~highneeds.reference.lookups`,
:mod:`~highneeds.reference.population_sources` and :mod:`~highneeds.reference.imd_sources`.
"""

from highneeds.reference.bundled import (
    AGES_0_25,
    AGES_2_18,
    DATA_DIR,
    LocalAuthority,
    find_la,
    imd,
    january_population,
    las,
    lower_tier_lookup,
    population,
    population_aged,
    population_by_band,
    regions,
    statistical_neighbours,
)
from highneeds.reference.lookups import ENGLAND_CODE

__all__ = [
    "AGES_0_25",
    "AGES_2_18",
    "DATA_DIR",
    "ENGLAND_CODE",
    "LocalAuthority",
    "find_la",
    "imd",
    "january_population",
    "las",
    "lower_tier_lookup",
    "population",
    "population_aged",
    "population_by_band",
    "regions",
    "statistical_neighbours",
]
