"""Read a SEN2 return exported from COLLECT as "Blade" CSV files (one file per module).

Each file has ``<m>tableid`` (the record key), ``<m>orderseqcolumn``, the parent's
``<parent>tableid`` and the items in lower case (``receiveddate``...). Files are recognised
by their header, not their name, so renamed exports still read. Items that exist only in some
spec versions are optional; every other column must be there.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.readers.text import open_text, read_text_csv
from highneeds.sen2.model import HEADER_ITEMS, MODULE_BY_NAME, MODULES, Module, Sen2Return
from highneeds.sen2.values import type_header, type_table

#: Items that some spec versions lack (see docs/import-sen2.md): absent columns are allowed.
VERSION_ITEMS = {
    "sex",
    "gender_current",
    "request_source",
    "review_meeting",
    "review_outcome",
    "review_draft",
    "phase_transfer_due_date",
    "phase_transfer_final_date",
    "res",
    "wbp",
    "attendance_pattern",
    "dsco",
}
_HEADER_BLADE = "sen2"


def _own_key(blade: str) -> str:
    return f"{blade}tableid"


def _parent_key(module: Module) -> str:
    return _own_key(MODULE_BY_NAME[module.parent].blade) if module.parent else "sen2tableid"


def read_header_row(path: Path) -> list[str]:
    with open_text(path) as handle:
        return [name.strip().lower() for name in next(csv.reader(handle), [])]


def _identify(path: Path) -> str:
    columns = set(read_header_row(path))
    for blade in [_HEADER_BLADE] + [module.blade for module in MODULES]:
        if f"{blade}orderseqcolumn" in columns or (
            _own_key(blade) in columns and path.stem.lower().endswith(f"_{blade}")
        ):
            return blade
    raise InputFileError(
        "not a SEN2 Blade CSV export: no '<module>tableid'/'<module>orderseqcolumn' columns",
        file=path.name,
        hint="export the return from COLLECT as CSV, one file per module",
    )


def _load(path: Path) -> pd.DataFrame:
    frame = read_text_csv(path, dtype=str, keep_default_na=False, na_values=[])
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame["source_row"] = range(2, len(frame) + 2)  # spreadsheet row: header is row 1
    return frame


def _require(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputFileError(
            f"missing column(s) {', '.join(missing)}",
            file=path.name,
            row=1,
            hint="export every item of the module; only version-specific items may be absent",
        )


def _module_frame(frame: pd.DataFrame, module: Module, path: Path) -> pd.DataFrame:
    own, parent = _own_key(module.blade), _parent_key(module)
    required = [own, parent] + [
        item.element.lower() for item in module.items if item.column not in VERSION_ITEMS
    ]
    _require(frame, required, path)
    out = pd.DataFrame({module.key: frame[own], "source_row": frame["source_row"]})
    if module.parent:
        out[f"{module.parent}_key"] = frame[parent]
    for item in module.items:
        present = [name for name in item.names if name in frame.columns]
        out[item.column] = frame[present[0]] if present else None
    return out


def read_blade_csv(paths: list[Path]) -> Sen2Return:
    """Read the module CSVs of one Blade export into a :class:`Sen2Return`."""
    by_module: dict[str, Path] = {}
    for path in paths:
        blade = _identify(path)
        if blade in by_module:
            raise InputFileError(
                f"two files hold the {blade} module: {by_module[blade].name} and {path.name}",
                file=path.name,
                hint="give the files of one return only",
            )
        by_module[blade] = path
    needed = [_HEADER_BLADE] + [module.blade for module in MODULES]
    missing = [blade for blade in needed if blade not in by_module]
    if missing:
        raise InputFileError(
            f"the export lacks the module file(s) {', '.join(missing)}",
            file=", ".join(p.name for p in paths),
            hint="a Blade export has nine files: sen2, person, requests, assessment, namedplan, "
            "plandetail, activeplans, placementdetail, senneed",
        )
    header_path = by_module[_HEADER_BLADE]
    header_frame = _load(header_path)
    _require(header_frame, ["year", "referencedate", "lea"], header_path)
    if len(header_frame) != 1:
        raise InputFileError(
            f"the header file has {len(header_frame)} rows; expected one", file=header_path.name
        )
    raw_header = {
        item.column: header_frame.iloc[0].get(item.element.lower()) for item in HEADER_ITEMS
    }
    header = type_header(raw_header, HEADER_ITEMS, file=header_path.name)
    header["unknown_elements"] = []

    tables: dict[str, pd.DataFrame] = {}
    for module in MODULES:  # parents come before children, so person keys propagate down
        path = by_module[module.blade]
        frame = _module_frame(_load(path), module, path)
        if module.parent and module.parent != "person":
            parent = tables[module.parent][[MODULE_BY_NAME[module.parent].key, "person_key"]]
            frame = frame.merge(parent, how="left", on=f"{module.parent}_key")
        tables[module.name] = type_table(frame, module, file=path.name)
    names = ", ".join(sorted(p.name for p in by_module.values()))
    return Sen2Return(header=header, tables=tables, file_name=names, layout="blade_csv")
