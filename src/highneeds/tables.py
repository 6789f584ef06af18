"""Titled tables: what the core hands to every shell.

A :class:`TitledTable` is a DataFrame whose columns keep their code names (``ehcps``,
``q97.5``, ``special``) together with the title, the words people read for each column, notes
and the unit of its figures. The CLI and the web each render it with one renderer of their own;
saved results (a background job's) keep the code names, and labels are applied when shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

#: Headings of columns many tables share (vocabulary codes are labelled by column_label).
COMMON_LABELS = {
    "year": "January census year",
    "financial_year": "Financial year",
    "area": "Area",
    "ehcps": "EHCPs",
    "new_plans": "New plans",
    "per_1000_aged_0_25": "EHCPs per 1,000 residents aged 0 to 25",
    "growth_pct": "Growth on a year before (%)",
    "growth_1y_pct": "Growth on a year before (%)",
    "growth_5y_pct": "Growth on five years before (%)",
    "issued_within_20_weeks_pct": "New plans issued within 20 weeks (%)",
    "note": "Note",
    # forecast quantiles (the web draws these five as a fan)
    "expected": "Expected",
    "q2.5": "Lower 95% bound",
    "q10": "Lower 80% bound",
    "median": "Median",
    "q90": "Upper 80% bound",
    "q97.5": "Upper 95% bound",
}


def column_label(code: str) -> str:
    """The heading people read for a column code: a common heading, a vocabulary label
    (setting group, age band, need, funding category), else the code in words."""
    from highneeds.vocabulary import (
        AGE_BAND_BY_CODE,
        FUNDING_CATEGORY_BY_CODE,
        NEED_BY_CODE,
        SETTING_GROUP_BY_CODE,
    )

    code = str(code)
    if code in COMMON_LABELS:
        return COMMON_LABELS[code]
    if code.endswith("_pct"):
        return f"{column_label(code[:-4])} (%)"
    if code.startswith("age_") and code[4:] in AGE_BAND_BY_CODE:
        return AGE_BAND_BY_CODE[code[4:]].label
    for vocabulary in (
        SETTING_GROUP_BY_CODE,
        AGE_BAND_BY_CODE,
        NEED_BY_CODE,
        FUNDING_CATEGORY_BY_CODE,
    ):
        if code in vocabulary:
            return vocabulary[code].label
    words = code.replace("_", " ")
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class TitledTable:
    """A table of figures with its title, column labels (code -> words), notes and unit.

    ``frame``'s columns are code names; ``labels`` overrides :func:`column_label` for some.
    ``unit`` says what the figures count ("children", "£", "%"), for axis titles.
    ``symbols`` (optional, same rows and columns as ``frame``): the DfE symbol (c, x, z, low)
    published where a figure is missing, None elsewhere; shells show it in place of a dash,
    with :func:`highneeds.suppression.symbol_legend` under the table.
    """

    title: str
    frame: pd.DataFrame
    labels: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    unit: str = ""
    symbols: pd.DataFrame | None = None

    def symbol_at(self, row: int, column: int) -> str | None:
        """The DfE symbol published for a missing figure at (row, column), if any."""
        if self.symbols is None:
            return None
        mark = self.symbols.iat[row, column]
        return mark if isinstance(mark, str) and mark else None

    def label(self, column) -> str:
        return self.labels.get(str(column)) or column_label(str(column))

    def labelled(self) -> pd.DataFrame:
        """The frame with the headings people read (for screens and downloads)."""
        return self.frame.rename(columns=self.label)

    def to_json(self) -> dict:
        """JSON-safe (missing values as null), code names kept: for saved results."""
        frame = self.frame
        values = frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
        return {
            "title": self.title,
            "columns": [str(c) for c in frame.columns],
            "data": values,
            "labels": dict(self.labels),
            "notes": list(self.notes),
            "unit": self.unit,
            **(
                {
                    "symbols": self.symbols.astype(object)
                    .where(self.symbols.notna(), None)
                    .to_numpy()
                    .tolist()
                }
                if self.symbols is not None
                else {}
            ),
        }

    @classmethod
    def from_json(cls, stored: Mapping) -> TitledTable:
        """The table :meth:`to_json` saved (results saved before titles were kept have none)."""
        return cls(
            title=stored.get("title", ""),
            frame=pd.DataFrame(stored["data"], columns=stored["columns"]),
            labels=dict(stored.get("labels", {})),
            notes=tuple(stored.get("notes", ())),
            unit=stored.get("unit", ""),
            symbols=pd.DataFrame(stored["symbols"], columns=stored["columns"], dtype=object)
            if stored.get("symbols") is not None
            else None,
        )


def notes_table(title: str, notes: list[str] | tuple[str, ...]) -> TitledTable:
    """Notes as a one-column table (shown under their title like any other table)."""
    return TitledTable(title, pd.DataFrame({"note": list(notes)}))
