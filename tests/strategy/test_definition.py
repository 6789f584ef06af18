"""Strategy files: the worked example reads, and each mistake is named with its key."""

import pytest

from highneeds.errors import InputFileError
from highneeds.strategy.definition import read_strategy, strategy_from_dict, year_of

from .conftest import STRATEGY


def minimal(**kpi) -> dict:
    base = {
        "code": "K1",
        "priority": "P1",
        "measure": "mainstream_pct",
        "baseline": {"year": 2022},
        "target": {"year": 2027, "value": 45},
    }
    base.update(kpi)
    return {
        "title": "Test strategy",
        "la": "Stockport",
        "start": 2024,
        "end": 2027,
        "priority": [{"code": "P1", "title": "Inclusion", "workstreams": ["Units"]}],
        "kpi": [base],
    }


def test_worked_example_reads(stockport_strategy):
    s = stockport_strategy
    assert s.la == "356" and s.la_name == "Stockport"
    assert (s.start, s.end) == (2024, 2027)
    bound = [k for k in s.kpis if not k.is_manual]
    assert len(bound) >= 8  # the issue asks for at least eight KPIs filled from public data
    assert {k.priority for k in s.kpis} <= {p.code for p in s.priorities}
    dsg = next(k for k in s.kpis if k.measure == "dsg_balance_pct_income")
    assert dsg.baseline_year == 2022 and dsg.target.year == 2027  # "2021-22" -> 2022


@pytest.mark.parametrize(
    ("text", "year"),
    [
        (2022, 2022),
        ("2022", 2022),
        ("2021-22", 2022),
        ("2024/25", 2025),
        ("2021-23", None),
        ("x", None),
        (True, None),
    ],
)
def test_year_of(text, year):
    assert year_of(text) == year


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"measure": "happiness"}, "kpi[1].measure", "not a measure"),
        ({"priority": "P9"}, "kpi[1].priority", "not the code of a [[priority]]"),
        ({"target": {"year": 2021, "value": 45}}, "kpi[1].target", "after the baseline"),
        ({"target": {"year": 2027, "value": "more"}}, "kpi[1].target", "not a number"),
        ({"target": {"year": 2027, "value": 1e30}}, "kpi[1].target", "out of range"),
        ({"baseline": {"year": 2022, "value": 45}}, "kpi[1].better", "higher or lower"),
        ({"actuals": [{"year": 2023, "value": 1}]}, "kpi[1].actuals", "filled from the store"),
        ({"milestones": [{"year": 2030, "value": 44}]}, "kpi[1].milestones", "by the target year"),
        (
            {"measure": "manual", "unit": "percent", "title": "Survey", "source": "Forum"},
            "kpi[1].baseline",
            "needs its value",
        ),
    ],
)
def test_mistakes_are_named(change, key, words):
    with pytest.raises(InputFileError) as error:
        strategy_from_dict(minimal(**change), file="mine.toml")
    assert error.value.location.column == key
    assert error.value.location.file == "mine.toml"
    assert words in str(error.value)


def test_unknown_la_and_duplicate_codes():
    data = minimal()
    data["la"] = "Stockportt"
    with pytest.raises(InputFileError, match="did you mean 'Stockport'"):
        strategy_from_dict(data)
    data = minimal()
    data["kpi"].append(dict(data["kpi"][0]))
    with pytest.raises(InputFileError, match="'K1' is used twice"):
        strategy_from_dict(data)


def test_not_toml(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"title = \x00\x01")
    with pytest.raises(InputFileError, match=r"bad\.toml: is not a TOML text file"):
        read_strategy(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text(STRATEGY.read_text()[:200] + "\n[[kpi]\n")
    with pytest.raises(InputFileError, match="not a valid TOML"):
        read_strategy(broken)
