import pandas as pd

from highneeds.sen2.rules import Rule, load_rules, rules_for_year
from highneeds.sen2.rules.conftest import first
from highneeds.sen2.rules.engine import run_rules


def test_every_rule_has_its_own_module_and_a_test_beside_it():
    import importlib
    import sys
    from pathlib import Path

    rules = load_rules()
    modules = [rule.check.__module__ for rule in rules.values()]
    assert len(set(modules)) == len(modules)  # one rule per module
    for code, rule in rules.items():
        path = Path(sys.modules[rule.check.__module__].__file__)
        test_name = f"{rule.check.__module__.rpartition('.')[0]}.test_{path.stem}"
        test = importlib.import_module(test_name)
        assert code == test.CODE
        assert hasattr(test, "test_fires") and hasattr(test, "test_passes_on_clean_return")


def test_a_broken_rule_is_reported_and_others_still_run(broken):
    def explode(ctx):
        raise RuntimeError("boom")

    ctx = broken(lambda t: t["person"].__setitem__("ethnicity", "ZZZZ"))
    ids = pd.DataFrame({"person_key": ctx.ret["person"]["person_key"], "child_id": "c"})
    rules = [Rule("X-1", "explodes", (), explode), load_rules()["S2-103"]]
    report = run_rules(ctx, ids, rules)
    assert "ENGINE" in set(report["code"])
    assert (report["code"] == "S2-103").sum() == len(ctx.ret["person"])


def test_report_locates_record_and_names_no_one(broken):
    def change(t):
        t["person"].loc[first(t["person"]), "ethnicity"] = "ZZZZ"

    ctx = broken(change)
    ids = pd.DataFrame({"person_key": ctx.ret["person"]["person_key"], "child_id": "pseudo"})
    report = run_rules(ctx, ids, [load_rules()["S2-103"]])
    assert report.loc[0, ["module", "field", "child_id"]].tolist() == [
        "Person",
        "Ethnicity",
        "pseudo",
    ]
    surname = ctx.ret["person"]["surname"].iloc[0]
    assert not report.astype(str).apply(lambda c: c.str.contains(surname, regex=False)).any().any()


def test_rule_sets_are_versioned_by_year():
    assert all(rule.applies_to(2024) for rule in rules_for_year(2024))
    retired = Rule("X-2", "old", (), lambda ctx: [], until=2023)
    assert retired.applies_to(2023) and not retired.applies_to(2024)
