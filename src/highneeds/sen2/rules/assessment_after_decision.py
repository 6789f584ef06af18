"""S2-302: Assessment outcome date is before the request outcome date."""

from __future__ import annotations

import pandas as pd

from highneeds.sen2.rules import Context, Flag, rule


def _chain(ctx: Context) -> pd.DataFrame:
    """Request, assessment and named plan dates side by side, indexed like ``table``."""
    req = ctx.table("request")[["request_key", "received_date", "request_outcome_date"]]
    ass = ctx.table("assessment")[["assessment_key", "request_key", "assessment_outcome_date"]]
    return ass.reset_index().merge(req, on="request_key", how="left").set_index("index")


@rule(
    "S2-302",
    "Assessment outcome date is before the request outcome date",
    ["RequestOutcomeDate", "AssessmentOutcomeDate"],
)
def assessment_after_decision(ctx: Context) -> list[Flag]:
    chain = _chain(ctx)
    bad = chain["assessment_outcome_date"] < chain["request_outcome_date"]
    return [Flag("assessment", chain.index[bad.fillna(False)], "AssessmentOutcomeDate")]
