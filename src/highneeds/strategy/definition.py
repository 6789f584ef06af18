"""A SEND strategy as a file: title, period, priorities with workstreams, and KPIs.

A strategy file is TOML (templates in ``data/strategy/``)::

    title = "SEND Strategy 2024 to 2027"
    la = "Stockport"                 # name, DfE number or GSS code
    start = 2024
    end = 2027
    neighbours = "2021"              # DfE statistical-neighbour model for comparisons

    [[priority]]
    code = "P1"
    title = "Identify needs early and meet them well"
    workstreams = ["Timely EHC needs assessments", "Early help in settings"]

    [[kpi]]
    code = "K1"
    priority = "P1"
    measure = "issued_within_20_weeks_pct"    # a measure highneeds computes, or "manual"
    baseline = { year = 2022 }                 # value filled from the store when left out
    target = { year = 2027, value = 60 }
    milestones = [{ year = 2025, value = 50 }]

A manual KPI (``measure = "manual"``) names its ``title``, ``unit``, ``source`` and gives
``actuals = [{ year = 2024, value = 52 }]``.

An optional ``[capital_costs]`` table gives the LA's own capital cost of one new place by type
of place (pounds), used by the Investment Position Statement in place of highneeds' example
assumptions::

    [capital_costs]
    maintained_special = 85000
    resourced_provision = 45000

Years follow the measure's period (see
:mod:`highneeds.strategy.measures`); "2021-22" and "2024/25" are accepted and read as the
year they end.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from highneeds.errors import InputFileError, NotFoundError
from highneeds.readers.text import read_text
from highneeds.reference import find_la
from highneeds.reference.bundled import DEFAULT_MODEL as DEFAULT_NEIGHBOURS
from highneeds.reference.bundled import MODELS as NEIGHBOUR_MODELS
from highneeds.strategy.measures import MEASURE_BY_CODE, PERIODS, UNITS
from highneeds.strategy.measures import year_ending as year_of

MANUAL = "manual"
BETTER = ("higher", "lower")


@dataclass(frozen=True)
class Point:
    year: int
    value: float


@dataclass(frozen=True)
class Kpi:
    code: str
    priority: str
    measure: str  # a measure code or "manual"
    title: str
    unit: str
    period: str
    source: str
    definition: str
    baseline_year: int
    baseline_value: float | None  # None: filled from the store
    target: Point
    milestones: tuple[Point, ...] = ()
    better: str | None = None  # inferred from baseline and target when left out
    actuals: tuple[Point, ...] = ()  # manual KPIs only

    @property
    def is_manual(self) -> bool:
        return self.measure == MANUAL


@dataclass(frozen=True)
class Priority:
    code: str
    title: str
    workstreams: tuple[str, ...] = ()


@dataclass(frozen=True)
class Strategy:
    title: str
    la: str  # DfE LA number
    la_name: str
    start: int
    end: int
    neighbours: str
    priorities: tuple[Priority, ...]
    kpis: tuple[Kpi, ...] = field(default=())
    file: str = ""
    #: The LA's own capital cost of a new place by type of place (pounds); empty: none set.
    capital_costs: dict[str, float] = field(default_factory=dict)


def read_strategy(path: str | Path) -> Strategy:
    """Read and check a strategy file; errors name the file and the key at fault."""
    path = Path(path)
    return strategy_from_text(read_text(path, "TOML"), file=path.name)


def strategy_from_text(text: str, *, file: str = "strategy") -> Strategy:
    """Check a strategy from its TOML text (as stored or uploaded)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputFileError(f"not a valid TOML strategy file: {error}", file=file) from None
    return strategy_from_dict(data, file=file)


def strategy_from_dict(data: dict, *, file: str = "strategy") -> Strategy:
    def fail(where: str, message: str) -> InputFileError:
        return InputFileError(message, file=file, column=where)

    title = _text(data, "title", file)
    try:
        la = find_la(_text(data, "la", file))
    except NotFoundError as error:
        raise fail("la", str(error)) from None
    start, end = year_of(data.get("start")), year_of(data.get("end"))
    if start is None or end is None or not 2000 <= start <= end <= 2060:
        raise fail("start", "start and end must be years, start not after end (e.g. 2024, 2027)")
    neighbours = str(data.get("neighbours", DEFAULT_NEIGHBOURS))
    if neighbours not in NEIGHBOUR_MODELS:
        raise fail("neighbours", f"neighbours must be one of {', '.join(NEIGHBOUR_MODELS)}")
    priorities = []
    for index, item in enumerate(_list(data, "priority", file)):
        where = f"priority[{index + 1}]"
        workstreams = item.get("workstreams", [])
        if not isinstance(workstreams, list) or not all(isinstance(w, str) for w in workstreams):
            raise fail(f"{where}.workstreams", "workstreams must be a list of texts")
        priorities.append(
            Priority(
                code=_text(item, "code", file, where),
                title=_text(item, "title", file, where),
                workstreams=tuple(w.strip() for w in workstreams if w.strip()),
            )
        )
    _unique([p.code for p in priorities], "priority", file)
    codes = {p.code for p in priorities}
    kpis = [
        _kpi(item, f"kpi[{index + 1}]", codes, file)
        for index, item in enumerate(_list(data, "kpi", file))
    ]
    _unique([k.code for k in kpis], "kpi", file)
    if not kpis:
        raise fail("kpi", "a strategy needs at least one [[kpi]]")
    capital_costs = checked_capital_costs(data.get("capital_costs", {}), file=file)
    return Strategy(
        title=title,
        la=la.la_code,
        la_name=la.la_name,
        start=start,
        end=end,
        neighbours=neighbours,
        priorities=tuple(priorities),
        kpis=tuple(kpis),
        file=file,
        capital_costs=capital_costs,
    )


#: Largest capital cost of one place anyone may set (pounds): a typing slip stops here.
MAX_COST_PER_PLACE = 5_000_000


def checked_capital_costs(costs: object, *, file: str = "strategy") -> dict[str, float]:
    """Capital costs per place by type of place, checked: known types, pounds from 0 to
    :data:`MAX_COST_PER_PLACE`; a mistake names the key."""
    from highneeds.strategy.places import SPECIALIST_CATEGORIES

    if not isinstance(costs, dict):
        raise InputFileError(
            "write capital costs as a [capital_costs] table", file=file, column="capital_costs"
        )
    out = {}
    for code, value in costs.items():
        where = f"capital_costs.{code}"
        if code not in SPECIALIST_CATEGORIES:
            raise InputFileError(
                f"{code!r} is not a type of specialist place; use one of "
                + ", ".join(SPECIALIST_CATEGORIES),
                file=file,
                column=where,
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not 0 <= value <= MAX_COST_PER_PLACE
        ):
            raise InputFileError(
                f"{value!r} is not a cost in pounds from 0 to {MAX_COST_PER_PLACE:,}",
                file=file,
                column=where,
            )
        out[code] = float(value)
    return out


#: The shipped worked example every new strategy starts from.
TEMPLATE_NAME = "stockport_send_strategy_2024_27.toml"


def template_text(la: str) -> str:
    """The shipped worked example's text made out for ``la`` (name, DfE number or GSS code):
    its ``la`` line names that LA; priorities, KPIs and the example targets are kept for the
    LA to make its own."""
    import re
    from importlib import resources

    text = resources.files("highneeds.data").joinpath("strategy", TEMPLATE_NAME).read_text("utf-8")
    found = find_la(la)
    return re.sub(r'(?m)^la = ".*"$', f'la = "{found.la_code}"  # {found.la_name}', text, count=1)


def _kpi(item: dict, where: str, priorities: set[str], file: str) -> Kpi:
    def fail(key: str, message: str) -> InputFileError:
        return InputFileError(message, file=file, column=f"{where}.{key}")

    code = _text(item, "code", file, where)
    priority = _text(item, "priority", file, where)
    if priority not in priorities:
        raise fail("priority", f"{priority!r} is not the code of a [[priority]] in this file")
    measure_code = _text(item, "measure", file, where)
    if measure_code == MANUAL:
        unit = _text(item, "unit", file, where)
        if unit not in UNITS:
            raise fail("unit", f"unit must be one of {', '.join(UNITS)}")
        period = str(item.get("period", "calendar"))
        title = _text(item, "title", file, where)
        source = _text(item, "source", file, where)
        definition = str(item.get("definition", "")).strip()
    else:
        measure = MEASURE_BY_CODE.get(measure_code)
        if measure is None:
            raise fail(
                "measure",
                f"{measure_code!r} is not a measure; choose from "
                f"{', '.join(MEASURE_BY_CODE)} or manual",
            )
        unit, period, source, definition = (
            measure.unit,
            measure.period,
            measure.source,
            measure.definition,
        )
        title = str(item.get("title") or measure.label).strip()
    if period not in PERIODS:
        raise fail("period", f"period must be one of {', '.join(PERIODS)}")
    baseline = item.get("baseline")
    if not isinstance(baseline, dict):
        raise fail("baseline", "baseline must be a table like { year = 2022 }")
    baseline_year = year_of(baseline.get("year"))
    if baseline_year is None:
        raise fail("baseline", "baseline needs a year")
    baseline_value = (
        _number(baseline.get("value"), fail, "baseline") if "value" in baseline else None
    )
    if measure_code == MANUAL and baseline_value is None:
        raise fail("baseline", "a manual KPI's baseline needs its value")
    target = _point(item.get("target"), fail, "target")
    if target.year <= baseline_year:
        raise fail("target", "the target's year must come after the baseline's")
    milestones = tuple(
        sorted(
            (_point(m, fail, "milestones") for m in item.get("milestones", [])),
            key=lambda p: p.year,
        )
    )
    if any(not baseline_year < m.year <= target.year for m in milestones):
        raise fail("milestones", "milestones must fall after the baseline and by the target year")
    better = item.get("better")
    if better is not None and better not in BETTER:
        raise fail("better", "better must be 'higher' or 'lower'")
    if better is None and baseline_value is not None and baseline_value == target.value:
        raise fail(
            "better", "the target equals the baseline: say whether higher or lower is better"
        )
    actuals = tuple(_point(a, fail, "actuals") for a in item.get("actuals", []))
    if actuals and measure_code != MANUAL:
        raise fail("actuals", "actuals are filled from the store; give them only for manual KPIs")
    return Kpi(
        code=code,
        priority=priority,
        measure=measure_code,
        title=title,
        unit=unit,
        period=period,
        source=source,
        definition=definition,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        target=target,
        milestones=milestones,
        better=better,
        actuals=actuals,
    )


#: Bounds that keep a typing slip (an extra zero run) from becoming a target.
MAX_ABS_VALUE = 1e12


def _number(value: object, fail, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(key, f"{value!r} is not a number")
    if not abs(value) <= MAX_ABS_VALUE:
        raise fail(key, f"{value!r} is out of range")
    return float(value)


def _point(value: object, fail, key: str) -> Point:
    if not isinstance(value, dict):
        raise fail(key, "expected a table like { year = 2027, value = 60 }")
    year = year_of(value.get("year"))
    if year is None or not 2000 <= year <= 2060:
        raise fail(key, f"{value.get('year')!r} is not a year")
    return Point(year, _number(value.get("value"), fail, key))


def _text(data: dict, key: str, file: str, where: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        name = f"{where}.{key}" if where else key
        raise InputFileError(f"{key} is required (a text)", file=file, column=name)
    return value.strip()


def _list(data: dict, key: str, file: str) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise InputFileError(f"write each {key} as a [[{key}]] table", file=file, column=key)
    return value


def _unique(codes: list[str], key: str, file: str) -> None:
    seen = set()
    for code in codes:
        if code in seen:
            raise InputFileError(f"code {code!r} is used twice", file=file, column=key)
        seen.add(code)
