"""Write a return as DfE XML, Blade CSV files, the D2I m1-m5 CSVs or a workbook (the DfE
Excel template or a pre-submission workbook); used for the synthetic LA and round-trip tests."""

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
    paths = []
    for spec in MODULE_FILES:
        module = MODULE_BY_NAME[spec.module]
        frame = ret[spec.module]
        record = request_ids(ret, spec.module)  # m3-m5 rows are keyed by their request
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


def request_ids(ret: Sen2Return, module: str) -> pd.Series:
    """The request each record of ``module`` belongs to (the person's key for ``person``):
    the key of the layouts that hang everything off the request (m1-m5 CSVs, workbooks)."""
    frame = ret[module]
    if module == "person":
        return frame["person_key"]
    if "request_key" in frame.columns:
        return frame["request_key"]
    parent = MODULE_BY_NAME[module].parent
    upward = request_ids(ret, parent)
    return frame[f"{parent}_key"].map(
        pd.Series(upward.to_numpy(), index=ret[parent][f"{parent}_key"])
    )


def _cell(value, kind: str):
    """A value as a spreadsheet cell: dates as date cells, flags, ranks and plain ids as
    numbers (as Excel stores what an LA types), everything else as text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = _text(value, kind)
    if kind == "date":
        return pd.Timestamp(value).to_pydatetime()
    if kind in {"int", "flag"} or (kind == "key" and text.isdigit() and text[0] != "0"):
        return int(text) if text.isdigit() else int(float(text))
    return text


def write_workbook(ret: Sen2Return, path: str | Path, *, layout: str = "template") -> Path:
    """The return as the DfE Excel template (``layout="template"``: one "Data Entry
    Template" sheet, module sections one below another, long headers) or as a pre-submission
    workbook (``"pre_submission"``: a sheet per module, Blade item names, no header record).

    Uses the reader's own mapping (:data:`highneeds.sen2.read_excel.SECTIONS`), so the layout
    round-trips; records are keyed by Person ID and Requests record ID as the template is.
    """
    import openpyxl

    from highneeds.sen2 import read_excel as xl

    path = Path(path)
    book = openpyxl.Workbook(write_only=True)
    template = layout == "template"
    if template:
        sheet = book.create_sheet(xl.TEMPLATE_SHEET)
        header = xl.SECTION_BY_MODULE[xl.HEADER]
        sheet.append([header.title])
        sheet.append([text for text, _ in header.labels])
        values = {i.column: _cell(ret.header.get(i.column), i.kind) for i in HEADER_ITEMS}
        sheet.append([values[column] for _, column in header.labels])
        sheet.append([])
        sheet.append([])
    for section in xl.MODULE_SECTIONS:
        module = MODULE_BY_NAME[section.module]
        frame = ret[module.name]
        items = _present_items(ret, module)
        if template:
            own = module.name == "person"
            keys = [xl.PERSON_ID_OWN if own else xl.PERSON_ID]
            if not own:
                keys.append(xl.REQUEST_ID_OWN if module.name == "request" else xl.REQUEST_ID)
            # 2023's GenderCurrent goes in the template's "Gender" column.
            names = ["gender" if i.column == "gender_current" else i.column for i in items]
            labels = keys + [xl.LA_COLUMN] + [section.label(name) for name in names]
            sheet.append([section.title])
        else:
            sheet = book.create_sheet(section.sheet)
            keys = ["persontableid"] + ([] if module.name == "person" else ["requeststableid"])
            labels = keys + [i.element.lower() for i in items]
        sheet.append(labels)
        columns = [frame["person_key"]]
        if module.name != "person":
            columns.append(request_ids(ret, module.name))
        if template:
            columns.append(pd.Series(ret.la_code, index=frame.index))
        columns += [frame[i.column] for i in items]
        kinds = ["key"] * len(keys) + (["str"] if template else []) + [i.kind for i in items]
        for record in zip(*(c.to_numpy() for c in columns), strict=True):
            sheet.append([_cell(v, k) for v, k in zip(record, kinds, strict=True)])
        if template:
            sheet.append([])
            sheet.append([])
    book.save(path)
    return path
