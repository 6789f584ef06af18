"""S2-107: ULN is not 10 digits."""

from __future__ import annotations

import pandas as pd

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule("S2-107", "ULN is not 10 digits", ["UniqueLearnerNumber"])
def uln_shape(ctx: Context) -> list[Flag]:
    person = ctx.table("person")
    bad = person["uln"].notna() & ~person["uln"].fillna("").str.fullmatch(r"\d{10}")
    return [Flag("person", rows_where(person, pd.Series(bad)), "UniqueLearnerNumber")]
