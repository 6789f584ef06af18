"""S2-203: AssessmentOutcome is not Y, N, A, W or H."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rule
from highneeds.sen2.rules.codelists import ASSESSMENT_OUTCOMES, codes_not_in


@rule("S2-203", "AssessmentOutcome is not Y, N, A, W or H", ["AssessmentOutcome"])
def assessment_outcome_code(ctx: Context) -> list[Flag]:
    return codes_not_in(
        ctx, "assessment", "assessment_outcome", ASSESSMENT_OUTCOMES, "AssessmentOutcome"
    )
