"""S2-201: SENtype is not a type of need code (DS only from 2025)."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rule
from highneeds.sen2.rules.codelists import SEN_TYPES, codes_not_in


@rule("S2-201", "SENtype is not a type of need code (DS only from 2025)", ["SENtype"])
def need_code(ctx: Context) -> list[Flag]:
    codes = SEN_TYPES | ({"DS"} if ctx.ret.year >= 2025 else set())
    return codes_not_in(ctx, "need", "sen_type", codes, "SENtype")
