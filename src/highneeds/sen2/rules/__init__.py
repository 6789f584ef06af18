"""Validation rules for SEN2 returns: a registry of small functions, versioned by year.

Each rule is one function ``check(ctx) -> list[Flag]`` in a module of its own, with its test
beside it (``test_<module>.py``), registered with :func:`rule`, which records
its code, a message an analyst understands and the fields it reads. A rule only says where
the problem is; :mod:`highneeds.sen2.rules.engine` builds the report. Rules never change
their input.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from highneeds.sen2.model import Sen2Return


@dataclass(frozen=True)
class Flag:
    """Records of one table a rule flags, and the field at fault."""

    table: str
    rows: pd.Index  # index labels in ``ctx.ret[table]``
    field: str


class ModuleNotCarried(LookupError):
    """A rule asked for a module the return's layout does not hold (placements in the m1-m5
    CSVs): the rule does not apply to that return, which is not an error in the return."""

    def __init__(self, module: str):
        super().__init__(module)
        self.module = module


@dataclass
class Context:
    """What every rule may read: the return and the LA's establishment list."""

    ret: Sen2Return
    establishments: pd.DataFrame

    def table(self, name: str) -> pd.DataFrame:
        """The module's table; :class:`ModuleNotCarried` if the layout has no such module."""
        if name not in self.ret.modules:
            raise ModuleNotCarried(name)
        return self.ret[name]


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    fields: tuple[str, ...]
    check: Callable[[Context], list[Flag]]
    severity: str = "error"  # "error" blocks submission; "warning" asks for a look
    since: int = 2023  # first collection year the rule applies to
    until: int | None = None  # last collection year, or None while current
    doc: str = field(default="")

    def applies_to(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)


REGISTRY: dict[str, Rule] = {}
_NOT_RULES = {"engine", "codelists", "conftest"}


def rule(
    code: str,
    message: str,
    fields: tuple[str, ...] | list[str],
    *,
    severity: str = "error",
    since: int = 2023,
    until: int | None = None,
):
    """Register the decorated function as rule ``code``."""

    def register(check: Callable[[Context], list[Flag]]):
        if code in REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        REGISTRY[code] = Rule(
            code,
            message,
            tuple(fields),
            check,
            severity,
            since,
            until,
            (check.__doc__ or "").strip(),
        )
        return check

    return register


def load_rules() -> dict[str, Rule]:
    """Import every rule module in this package and return the registry.

    One module holds one rule; ``engine``, ``codelists``, tests and test fixtures are not rules.
    """
    for info in pkgutil.iter_modules(__path__):
        if info.name not in _NOT_RULES and not info.name.startswith("test_"):
            importlib.import_module(f"{__name__}.{info.name}")
    return REGISTRY


def rules_for_year(year: int) -> list[Rule]:
    """The rule set of collection ``year``: each year's set is the previous one with rules
    added (``since``) or retired (``until``) by code."""
    return sorted((r for r in load_rules().values() if r.applies_to(year)), key=lambda r: r.code)


def rows_where(frame: pd.DataFrame, mask) -> pd.Index:
    return frame.index[pd.Series(mask, index=frame.index).fillna(False).astype(bool)]
