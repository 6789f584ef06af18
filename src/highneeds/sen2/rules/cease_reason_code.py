"""S2-204: CeaseReason is not a code 1 to 9."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rule
from highneeds.sen2.rules.codelists import CEASE_REASONS, codes_not_in


@rule("S2-204", "CeaseReason is not a code 1 to 9", ["CeaseReason"])
def cease_reason_code(ctx: Context) -> list[Flag]:
    return codes_not_in(ctx, "named_plan", "cease_reason", CEASE_REASONS, "CeaseReason")
