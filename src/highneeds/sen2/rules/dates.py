"""Rules on the order of dates: request <= decision <= assessment <= plan start <= cease."""

from __future__ import annotations

import pandas as pd

from highneeds.sen2.rules import Context, Flag, rows_where, rule


def _chain(ctx: Context) -> pd.DataFrame:
    """Request, assessment and named plan dates side by side, indexed like ``table``."""
    req = ctx.table("request")[["request_key", "received_date", "request_outcome_date"]]
    ass = ctx.table("assessment")[["assessment_key", "request_key", "assessment_outcome_date"]]
    return ass.reset_index().merge(req, on="request_key", how="left").set_index("index")


@rule(
    "S2-301",
    "Request outcome date is before the date the request was received",
    ["ReceivedDate", "RequestOutcomeDate"],
)
def decision_after_request(ctx: Context) -> list[Flag]:
    req = ctx.table("request")
    return [
        Flag(
            "request",
            rows_where(req, req["request_outcome_date"] < req["received_date"]),
            "RequestOutcomeDate",
        )
    ]


@rule(
    "S2-302",
    "Assessment outcome date is before the request outcome date",
    ["RequestOutcomeDate", "AssessmentOutcomeDate"],
)
def assessment_after_decision(ctx: Context) -> list[Flag]:
    chain = _chain(ctx)
    bad = chain["assessment_outcome_date"] < chain["request_outcome_date"]
    return [Flag("assessment", chain.index[bad.fillna(False)], "AssessmentOutcomeDate")]


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


@rule("S2-304", "Plan cease date is before the plan start date", ["StartDate", "CeaseDate"])
def cease_after_start(ctx: Context) -> list[Flag]:
    plan = ctx.table("named_plan")
    return [
        Flag("named_plan", rows_where(plan, plan["cease_date"] < plan["start_date"]), "CeaseDate")
    ]


@rule("S2-305", "Date is after the census reference date", ["ReceivedDate", "StartDate"])
def not_in_future(ctx: Context) -> list[Flag]:
    ref = ctx.ret.reference_date
    req, plan = ctx.table("request"), ctx.table("named_plan")
    return [
        Flag("request", rows_where(req, req["received_date"] > ref), "ReceivedDate"),
        Flag("named_plan", rows_where(plan, plan["start_date"] > ref), "StartDate"),
    ]


@rule("S2-306", "Request has no received date", ["ReceivedDate"])
def received_date_present(ctx: Context) -> list[Flag]:
    req = ctx.table("request")
    return [Flag("request", rows_where(req, req["received_date"].isna()), "ReceivedDate")]
