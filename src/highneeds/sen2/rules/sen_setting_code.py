"""S2-205: SENSetting is not a DfE code (OLA, OPA, EHE, EYP, OTH, NEET, NIEC, NIEO)."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rule
from highneeds.sen2.rules.codelists import SEN_SETTINGS, codes_not_in


@rule(
    "S2-205",
    "SENSetting is not a DfE code (OLA, OPA, EHE, EYP, OTH, NEET, NIEC, NIEO)",
    ["SENSetting"],
)
def sen_setting_code(ctx: Context) -> list[Flag]:
    return codes_not_in(ctx, "placement", "sen_setting", SEN_SETTINGS, "SENSetting") + codes_not_in(
        ctx, "plan_detail", "sen_setting", SEN_SETTINGS, "SENSetting"
    )
