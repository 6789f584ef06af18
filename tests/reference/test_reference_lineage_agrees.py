"""The LA table agrees with the EHCP lineage table (highneeds/data/la_lineage.csv).

Two parts of highneeds record LA changes: the reference data (for geography and population)
and the EHCP reader's lineage (for continuous series). They must tell the same story.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds import reference as ref

LINEAGE = Path(ref.DATA_DIR).parent / "la_lineage.csv"


def test_every_lineage_link_is_in_the_la_table():
    assert LINEAGE.exists(), f"expected the EHCP lineage table at {LINEAGE}"
    lineage = pd.read_csv(LINEAGE, dtype=str, keep_default_na=False)
    las = ref.las().set_index("la_code")
    for link in lineage.itertuples(index=False):
        if link.change == "gss_change":
            assert link.predecessor_code == link.successor_code
            assert link.predecessor_gss in las.loc[link.successor_code, "former_gss_codes"]
            assert las.loc[link.successor_code, "gss_code"] == link.successor_gss
        else:
            predecessor = las.loc[link.predecessor_code]
            assert link.successor_code in predecessor.successor_la_codes.split(";"), link
            assert predecessor.gss_code == link.predecessor_gss
            assert las.loc[link.successor_code, "gss_code"] == link.successor_gss
            first = int(link.first_year)
            # The successor first exists on the census day of the lineage's first year.
            assert link.successor_code in set(ref.las(first).la_code)
            assert link.successor_code not in set(ref.las(first - 1).la_code)
