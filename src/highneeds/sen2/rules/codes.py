"""Rules checking that coded items hold a code from their DfE list."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule

REQUEST_OUTCOMES = {"Y", "N", "A", "W", "H"}
ASSESSMENT_OUTCOMES = {"Y", "N", "A", "W", "H"}
CEASE_REASONS = {str(n) for n in range(1, 10)}
SEN_SETTINGS = {"OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"}
SEN_TYPES = {"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH"}


def _not_in(ctx: Context, table: str, column: str, codes: set[str], field: str) -> list[Flag]:
    frame = ctx.table(table)
    return [
        Flag(table, rows_where(frame, frame[column].notna() & ~frame[column].isin(codes)), field)
    ]


@rule("S2-201", "SENtype is not a type of need code (DS only from 2025)", ["SENtype"])
def need_code(ctx: Context) -> list[Flag]:
    codes = SEN_TYPES | ({"DS"} if ctx.ret.year >= 2025 else set())
    return _not_in(ctx, "need", "sen_type", codes, "SENtype")


@rule("S2-202", "RequestOutcome is not Y, N, A, W or H", ["RequestOutcome"])
def request_outcome_code(ctx: Context) -> list[Flag]:
    frame = ctx.table("request")
    bad = frame["request_outcome"].isna() | ~frame["request_outcome"].isin(REQUEST_OUTCOMES)
    return [Flag("request", rows_where(frame, bad), "RequestOutcome")]


@rule("S2-203", "AssessmentOutcome is not Y, N, A, W or H", ["AssessmentOutcome"])
def assessment_outcome_code(ctx: Context) -> list[Flag]:
    return _not_in(
        ctx, "assessment", "assessment_outcome", ASSESSMENT_OUTCOMES, "AssessmentOutcome"
    )


@rule("S2-204", "CeaseReason is not a code 1 to 9", ["CeaseReason"])
def cease_reason_code(ctx: Context) -> list[Flag]:
    return _not_in(ctx, "named_plan", "cease_reason", CEASE_REASONS, "CeaseReason")


@rule(
    "S2-205",
    "SENSetting is not a DfE code (OLA, OPA, EHE, EYP, OTH, NEET, NIEC, NIEO)",
    ["SENSetting"],
)
def sen_setting_code(ctx: Context) -> list[Flag]:
    return _not_in(ctx, "placement", "sen_setting", SEN_SETTINGS, "SENSetting") + _not_in(
        ctx, "plan_detail", "sen_setting", SEN_SETTINGS, "SENSetting"
    )


@rule("S2-206", "Each active plan needs exactly one SENtype of rank 1", ["SENtype", "SENtypeRank"])
def one_primary_need(ctx: Context) -> list[Flag]:
    plans, need = ctx.table("active_plan"), ctx.table("need")
    rank1 = need[need["sen_type_rank"] == 1].groupby("active_plan_key").size()
    count = plans["active_plan_key"].map(rank1).fillna(0)
    return [Flag("active_plan", rows_where(plans, count != 1), "SENneed")]
