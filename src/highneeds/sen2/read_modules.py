"""Read the D2I SEND-tool "m1-m5" CSVs: one file per module, keyed by LA-made record ids.

m1 people, m2 requests, m3 assessments, m4 named plans, m5 active plans. Files are told apart
by their exact header lists (:data:`MODULE_FILES`, the one definition the reader and
:func:`highneeds.sen2.write.write_module_csv` share), not by their names. Every m2-m5 row
carries ``Person ID``; m3-m5 rows hang off their request through ``Requests Record ID``
(m3) or ``Request Records ID`` (m4, m5: spelt as published). An assessment, a named plan and
an active plan are each at most one per request, so the request's id keys all three.

The layout has no header module (collection year, census day, LA come from the caller) and no
placement, need or plan-detail columns: the return it gives carries only the five modules
(``Sen2Return.modules``), and those tables stay empty.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.readers.text import open_text, read_text_csv
from highneeds.sen2.build import census_day
from highneeds.sen2.model import (
    HEADER_ITEMS,
    MODULE_BY_NAME,
    MODULES,
    Sen2Return,
    empty_table,
)
from highneeds.sen2.values import clean_text, type_header, type_table, undo_float

PERSON_ID = "Person ID"
#: m1's "Gender" holds either Sex codes (M/F/U, 2024+) or GenderCurrent codes (0/1/2/9, 2023).
GENDER = "gender"
_GENDER_CURRENT_CODES = {"0", "1", "2", "9"}


@dataclass(frozen=True)
class ModuleFile:
    """One m-file: which module it holds, its record-id header and its item columns.

    ``items`` pairs each header (exactly as published) with our column, or with ``None`` for a
    column that is required but not kept (m2's "New start date": its meaning is not
    documented, so it is neither guessed at nor stored).
    """

    label: str
    title: str
    module: str
    record_id: str
    items: tuple[tuple[str, str | None], ...]

    @property
    def headers(self) -> list[str]:
        keys = [PERSON_ID] + ([self.record_id] if self.record_id != PERSON_ID else [])
        return keys + [header for header, _ in self.items]

    @property
    def parent_id(self) -> str:
        """Header holding the parent's key: the person for m2, the request for m3-m5."""
        return PERSON_ID if MODULE_BY_NAME[self.module].parent == "person" else self.record_id

    @property
    def labels(self) -> dict[str, str]:
        return {column: header for header, column in self.items if column and column != GENDER}


_RES, _WBL = "Residential Settings", "Worked based learning activity"
MODULE_FILES: tuple[ModuleFile, ...] = (
    ModuleFile(
        "m1",
        "people",
        "person",
        PERSON_ID,
        (
            ("Surname", "surname"),
            ("Forename", "forename"),
            ("Dob", "birth_date"),
            ("Gender", GENDER),
            ("Ethnicity", "ethnicity"),
            ("Postcode", "postcode"),
            ("UPN - Unique Pupil Number", "upn"),
            ("ULN - Young Persons Unique Learner Number", "uln"),
            ("UPN and ULN unavailable reason", "upn_unknown"),
        ),
    ),
    ModuleFile(
        "m2",
        "requests",
        "request",
        "Requests Record ID",
        (
            ("Date Request Was Received", "received_date"),
            ("Initial Request Whilst In RYA", "rya"),
            ("Request Outcome Date", "request_outcome_date"),
            ("Request Outcome", "request_outcome"),
            ("Request Mediation", "request_mediation"),
            ("Request Tribunal", "request_tribunal"),
            (
                "Exported - Child Or Young Person Moves Out Of LA Before Assessment Is Completed",
                "exported",
            ),
            ("New start date", None),
        ),
    ),
    ModuleFile(
        "m3",
        "assessments",
        "assessment",
        "Requests Record ID",
        (
            ("Assessment Outcome To Issue EHCP", "assessment_outcome"),
            ("Assessment Outcome Date", "assessment_outcome_date"),
            ("Assessment Mediation", "assessment_mediation"),
            ("Assessment Tribunal", "assessment_tribunal"),
            ("Other Mediation", "other_mediation"),
            ("Other Tribunal", "other_tribunal"),
            ("Twenty Weeks Time Limit Exceptions Apply", "week20"),
        ),
    ),
    ModuleFile(
        "m4",
        "named plans",
        "named_plan",
        "Request Records ID",
        (
            ("EHC Plan Start Date", "start_date"),
            (_RES, "plan_res"),
            (_WBL, "plan_wbp"),
            ("Personal budget taken up", "pb"),
            ("Personal budget - organised arrangements", "oa"),
            ("Personal budget - direct payments", "dp"),
            ("Date EHC Plan Ceased", "cease_date"),
            ("Reason EHC Plan Ceased", "cease_reason"),
        ),
    ),
    ModuleFile(
        "m5",
        "active plans",
        "active_plan",
        "Request Records ID",
        (
            ("EHC Plan (Transfer)", "transfer_la"),
            (_RES, "res"),
            (_WBL, "wbp"),
            ("EHCP review decisions date", "last_review"),
        ),
    ),
)
#: The modules this layout holds; placements, needs and plan details are not among them.
CARRIED = frozenset(f.module for f in MODULE_FILES)


def _norm(header: str) -> str:
    return " ".join(header.split()).lower()


def split_gender(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A "Gender" column as (Sex, GenderCurrent): codes 0/1/2/9 are the 2023 GenderCurrent,
    anything else (M/F/U) is Sex, so either year's codes read right."""
    gender = clean_text(values)
    codes = undo_float(gender)
    numeric = codes.isin(_GENDER_CURRENT_CODES)
    return gender.mask(numeric), codes.where(numeric)


def read_header(path: Path) -> list[str]:
    with open_text(path) as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def looks_like_module_csv(path: Path) -> bool:
    """Whether a CSV belongs to this layout (its header has ``Person ID``)."""
    return PERSON_ID.lower() in {_norm(h) for h in read_header(path)}


def identify(path: Path) -> ModuleFile:
    """The m-file whose exact header list ``path`` has; otherwise a located error saying
    what was expected and what was found."""
    found = read_header(path)
    got = [_norm(h) for h in found]
    for spec in MODULE_FILES:
        if sorted(got) == sorted(_norm(h) for h in spec.headers):
            return spec

    def overlap(spec: ModuleFile) -> int:
        return len(set(got) & {_norm(h) for h in spec.headers})

    best = max(MODULE_FILES, key=overlap)
    wanted = [_norm(h) for h in best.headers]
    if overlap(best) * 2 > len(wanted):  # clearly this module, with columns wrong
        missing = [h for h in best.headers if _norm(h) not in got]
        extra = [h for h in found if _norm(h) not in wanted]
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            problems.append(f"unknown column(s) {', '.join(extra)}")
        raise InputFileError(
            f"{best.label} ({best.title}) file: {'; '.join(problems)}",
            file=path.name,
            row=1,
            column=(missing or extra)[0],
            hint=f"an {best.label} file has exactly the columns: {', '.join(best.headers)}",
        )
    expected = "; ".join(f"{s.label}: {', '.join(s.headers)}" for s in MODULE_FILES)
    raise InputFileError(
        f"the header matches none of the m1-m5 module files (found: {', '.join(found)})",
        file=path.name,
        row=1,
        hint=f"expected one of {expected}",
    )


def _load(path: Path, spec: ModuleFile) -> pd.DataFrame:
    frame = read_text_csv(path, dtype=str, keep_default_na=False, na_values=[])
    frame.columns = [_norm(str(c)) for c in frame.columns]
    frame["source_row"] = range(2, len(frame) + 2)  # spreadsheet row: header is row 1
    for header in (PERSON_ID, spec.record_id):
        ids = clean_text(frame[_norm(header)])
        bad = ids.isna() | ids.duplicated(keep="first") if header == spec.record_id else ids.isna()
        if bad.any():
            first = bad.idxmax()
            what = "is empty" if ids.isna()[first] else f"repeats {ids[first]!r}"
            raise InputFileError(
                f"{header} {what}",
                file=path.name,
                row=int(frame["source_row"][first]),
                column=header,
                hint=f"every {spec.label} row needs its own {header}",
            )
    return frame


def _module_frame(frame: pd.DataFrame, spec: ModuleFile, path: Path) -> pd.DataFrame:
    module = MODULE_BY_NAME[spec.module]
    ids = clean_text(frame[_norm(spec.record_id)])
    out = pd.DataFrame({module.key: ids, "source_row": frame["source_row"]})
    if module.parent:
        out[f"{module.parent}_key"] = clean_text(frame[_norm(spec.parent_id)])
        out["person_key"] = clean_text(frame[_norm(PERSON_ID)])
    for header, column in spec.items:
        if column == GENDER:
            out["sex"], out["gender_current"] = split_gender(frame[_norm(header)])
        elif column:
            out[column] = frame[_norm(header)]
    return type_table(out, module, file=path.name, labels=spec.labels)


def caller_header(
    year: int | None,
    la_code: str | None,
    reference_date: str | pd.Timestamp | None,
    *,
    file: str,
    what: str,
) -> dict:
    """The header of a layout that has none (m1-m5 CSVs, pre-submission workbooks), from the
    caller's ``year`` and ``la_code``; the census day defaults to ``year``'s."""
    if year is None or not la_code:
        raise InputFileError(
            f"{what} do not say which collection year or LA they are",
            file=file,
            hint="name them: --year 2024 --la 123 on the command line",
        )
    ref = pd.Timestamp(reference_date) if reference_date is not None else census_day(int(year))
    header = type_header(
        {
            "collection": "SEN2",
            "year": str(year),
            "reference_date": ref.strftime("%Y-%m-%d"),
            "lea": str(la_code),
        },
        HEADER_ITEMS,
        file=file,
    )
    header["unknown_elements"] = []
    return header


def read_module_csv(
    paths: list[Path],
    *,
    year: int | None,
    la_code: str | None,
    reference_date: str | pd.Timestamp | None = None,
) -> Sen2Return:
    """Read the m1-m5 CSVs of one return. ``year`` (collection year) and ``la_code`` (three
    digits) must be given, since these files do not say; ``reference_date`` defaults to the
    census day of ``year`` (the Thursday of the third week of January)."""
    by_label: dict[str, Path] = {}
    specs = {}
    for path in paths:
        spec = identify(path)
        if spec.label in by_label:
            raise InputFileError(
                f"two files hold {spec.label} ({spec.title}): {by_label[spec.label].name} "
                f"and {path.name}",
                file=path.name,
                hint="give the files of one return only",
            )
        by_label[spec.label], specs[spec.label] = path, spec
    names = ", ".join(sorted(p.name for p in paths))
    missing = [f"{s.label} ({s.title})" for s in MODULE_FILES if s.label not in by_label]
    if missing:
        raise InputFileError(
            f"the m1-m5 export lacks {', '.join(missing)}",
            file=names,
            hint="give all five module CSVs of the return (or the folder holding them)",
        )
    header = caller_header(year, la_code, reference_date, file=names, what="the m1-m5 CSVs")
    tables = {
        spec.module: _module_frame(_load(by_label[label], spec), spec, by_label[label])
        for label, spec in specs.items()
    }
    for module in MODULES:
        tables.setdefault(module.name, type_table(empty_table(module), module, file=names))
    tables = {module.name: tables[module.name] for module in MODULES}
    return Sen2Return(header, tables, names, "module_csv", modules=CARRIED)
