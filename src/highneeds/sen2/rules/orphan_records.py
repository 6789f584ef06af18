"""S2-404: Record's parent is missing (its parent table id is not in the export)."""

from __future__ import annotations

from highneeds.sen2.rules import Context, Flag, rows_where, rule


@rule(
    "S2-404", "Record's parent is missing (its parent table id is not in the export)", ["tableid"]
)
def orphan_records(ctx: Context) -> list[Flag]:
    flags = []
    for child, parent in (
        ("request", "person"),
        ("assessment", "request"),
        ("named_plan", "assessment"),
        ("plan_detail", "named_plan"),
        ("active_plan", "request"),
        ("placement", "active_plan"),
        ("need", "active_plan"),
    ):
        if not ctx.ret.carries(child, parent):  # e.g. no placements in the m1-m5 CSVs
            continue
        frame, keys = ctx.table(child), set(ctx.table(parent)[f"{parent}_key"])
        flags.append(
            Flag(child, rows_where(frame, ~frame[f"{parent}_key"].isin(keys)), f"{parent}_key")
        )
    return flags
