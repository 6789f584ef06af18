"""Run the rules of a return's year and build one issue report with the same shape for all.

Report columns: code, severity, module, record (key in the file), row (XML line or CSV row),
field, child_id (pseudonymous), message. A rule that raises is reported as a rule failure
(code ``ENGINE``) and logged; the other rules still run. A rule that needs a module the
return's layout does not carry (``Sen2Return.modules``) is not run: the report's
``attrs["not_applicable"]`` maps its code to the missing module.
"""

from __future__ import annotations

import logging

import pandas as pd

from highneeds.sen2.model import MODULE_BY_NAME
from highneeds.sen2.rules import Context, ModuleNotCarried, Rule, rules_for_year

log = logging.getLogger(__name__)
REPORT_COLUMNS = ["code", "severity", "module", "record", "row", "field", "child_id", "message"]


def run_rules(
    ctx: Context, child_ids: pd.DataFrame, rules: list[Rule] | None = None
) -> pd.DataFrame:
    """Issues found in ``ctx.ret``; ``child_ids`` maps person_key to a pseudonymous child_id."""
    rules = rules if rules is not None else rules_for_year(ctx.ret.year)
    ids = child_ids.drop_duplicates("person_key").set_index("person_key")["child_id"]
    parts = []
    not_applicable: dict[str, str] = {}
    for rule in rules:
        try:
            flags = rule.check(ctx)
        except ModuleNotCarried as missing:
            not_applicable[rule.code] = missing.module
            continue
        except Exception as exc:  # one broken rule must never break a run
            log.exception("rule %s failed", rule.code)
            parts.append(
                pd.DataFrame(
                    [
                        {
                            "code": "ENGINE",
                            "severity": "error",
                            "module": "",
                            "record": "",
                            "row": None,
                            "field": "",
                            "child_id": "",
                            "message": f"rule {rule.code} could not run ({type(exc).__name__}); "
                            "other rules ran; please report this",
                        }
                    ]
                )
            )
            continue
        for flag in flags:
            if len(flag.rows) == 0:
                continue
            table = ctx.ret[flag.table].loc[flag.rows]
            module = MODULE_BY_NAME[flag.table]
            parts.append(
                pd.DataFrame(
                    {
                        "code": rule.code,
                        "severity": rule.severity,
                        "module": module.element,
                        "record": table[module.key].to_numpy(),
                        "row": table["source_row"].to_numpy(),
                        "field": flag.field,
                        "child_id": table["person_key"].map(ids).fillna("").to_numpy(),
                        "message": rule.message,
                    }
                )
            )
    if not parts:
        report = pd.DataFrame({c: pd.Series(dtype="object") for c in REPORT_COLUMNS})
    else:
        report = pd.concat(parts, ignore_index=True)[REPORT_COLUMNS]
        report = report.sort_values(["severity", "code", "row"], kind="stable")
        report = report.reset_index(drop=True)
    report.attrs["not_applicable"] = not_applicable
    return report
