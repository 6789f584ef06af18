"""Write a return as DfE XML or as Blade CSV files (used for the synthetic LA)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from highneeds.sen2.model import HEADER_ITEMS, MODULE_BY_NAME, MODULES, Module, Sen2Return


def _text(value, kind: str) -> str | None:
    if (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    ):
        return None
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    return str(value)


def _present_items(ret: Sen2Return, module: Module):
    """Items to write: all, except version-specific ones nobody filled in."""
    frame = ret[module.name]
    from highneeds.sen2.read_csv import VERSION_ITEMS

    return [
        i for i in module.items if i.column not in VERSION_ITEMS or frame[i.column].notna().any()
    ]


def write_xml(ret: Sen2Return, path: str | Path) -> Path:
    """The return as one SEN2 XML file (children nested under their parents)."""
    path = Path(path)
    rendered: dict[str, dict[str, list[str]]] = {}
    children = {m.name: [c for c in MODULES if c.parent == m.name] for m in MODULES}
    for module in reversed(MODULES):  # leaves first, so each parent can embed its children
        frame = ret[module.name]
        items = _present_items(ret, module)
        parent_key = f"{module.parent}_key" if module.parent else None
        out: dict[str, list[str]] = defaultdict(list)
        columns = [module.key] + ([parent_key] if parent_key else []) + [i.column for i in items]
        for record in frame[columns].itertuples(index=False, name=None):
            key = record[0]
            parts = [f"<{module.element}>"]
            for item, value in zip(items, record[-len(items) :], strict=True):
                text = _text(value, item.kind)
                if text is not None:
                    parts.append(f"<{item.element}>{escape(text)}</{item.element}>")
            for child in children[module.name]:
                parts += rendered[child.name].get(key, [])
            parts.append(f"</{module.element}>")
            out[record[1] if parent_key else key].append("".join(parts))
        rendered[module.name] = out
    header = ret.header
    details = "".join(
        f"<{i.element}>{escape(_text(header.get(i.column), i.kind))}</{i.element}>"
        for i in HEADER_ITEMS[:3]
    )
    source = "".join(
        f"<{i.element}>{escape(_text(header.get(i.column), i.kind))}</{i.element}>"
        for i in HEADER_ITEMS[3:]
        if _text(header.get(i.column), i.kind) is not None
    )
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message><Header>')
        handle.write(f"<CollectionDetails>{details}</CollectionDetails><Source>{source}</Source>")
        handle.write("</Header><Persons>\n")
        for records in rendered["person"].values():
            for record in records:
                handle.write(record + "\n")
        handle.write("</Persons></Message>\n")
    return path


def write_blade_csv(ret: Sen2Return, folder: str | Path, *, stamp: str | None = None) -> list[Path]:
    """The return as nine Blade CSV files ``Blade-Export_<date>_<module>.csv`` in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = stamp or pd.Timestamp(ret.reference_date).strftime("%d-%m-%Y")
    paths = []
    header = {
        "sen2tableid": ["1"],
        "NativeId": ["1"],
        "sen2orderseqcolumn": ["1"],
        "sourceid": ["1"],
    }
    for item in HEADER_ITEMS:
        header[item.element.lower()] = [_text(ret.header.get(item.column), item.kind)]
    path = folder / f"Blade-Export_{stamp}_sen2.csv"
    pd.DataFrame(header).to_csv(path, index=False)
    paths.append(path)
    for module in MODULES:
        frame = ret[module.name]
        own = f"{module.blade}tableid"
        parent = f"{MODULE_BY_NAME[module.parent].blade}tableid" if module.parent else "sen2tableid"
        out = pd.DataFrame(
            {
                own: frame[module.key].to_numpy(),
                "NativeId": frame[module.key].to_numpy(),
                f"{module.blade}orderseqcolumn": range(1, len(frame) + 1),
                "sourceid": "1",
                parent: frame[f"{module.parent}_key"].to_numpy() if module.parent else "1",
            }
        )
        for item in _present_items(ret, module):
            out[item.element.lower()] = [_text(v, item.kind) for v in frame[item.column]]
        path = folder / f"Blade-Export_{stamp}_{module.blade}.csv"
        out.to_csv(path, index=False)
        paths.append(path)
    return paths


def write_module_csv(ret: Sen2Return, folder: str | Path) -> list[Path]:
    """The return as the D2I m1-m5 CSVs ``m1.csv`` ... ``m5.csv`` in ``folder``.

    Uses the reader's own column mapping (:data:`highneeds.sen2.read_modules.MODULE_FILES`),
    so what the layout holds round-trips exactly. Placements, needs and plan details are not
    in this layout and are not written; m2's "New start date" is written empty.
    """
    from highneeds.sen2.read_modules import GENDER, MODULE_FILES, PERSON_ID

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # m3-m5 rows are keyed by their request: find each assessment's request.
    to_request = ret["assessment"].set_index("assessment_key")["request_key"]
    paths = []
    for spec in MODULE_FILES:
        module = MODULE_BY_NAME[spec.module]
        frame = ret[spec.module]
        if spec.module == "named_plan":
            record = frame["assessment_key"].map(to_request)
        elif spec.module == "person":
            record = frame["person_key"]
        else:
            record = frame["request_key"] if spec.module != "request" else frame[module.key]
        out = pd.DataFrame({PERSON_ID: frame["person_key"].to_numpy()})
        if spec.record_id != PERSON_ID:
            out[spec.record_id] = record.to_numpy()
        kinds = {item.column: item.kind for item in module.items}
        for header, column in spec.items:
            if column == GENDER:
                values = frame["sex"].fillna(frame["gender_current"])
            elif column is None:
                values = pd.Series(None, index=frame.index, dtype="object")
            else:
                values = frame[column]
            out[header] = [_text(v, kinds.get(column, "str")) for v in values]
        path = folder / f"{spec.label}.csv"
        out.to_csv(path, index=False)
        paths.append(path)
    return paths
