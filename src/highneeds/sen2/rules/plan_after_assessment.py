"""S2-303: Plan start date is before the assessment outcome date."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule(
    "S2-303",
    "Plan start date is before the assessment outcome date",
    ["AssessmentOutcomeDate", "StartDate"],
)
def plan_after_assessment(ctx: Context) -> list[Flag]:
    plan = ctx.table("named_plan")
    ass = ctx.table("assessment").set_index("assessment_key")["assessment_outcome_date"]
    bad = plan["start_date"] < plan["assessment_key"].map(ass)
    return [Flag("named_plan", rows_where(plan, bad), "StartDate")]
