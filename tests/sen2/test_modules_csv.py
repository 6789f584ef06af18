"""The D2I m1-m5 module CSVs: written from the synthetic LA, read back, compared with XML."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from highneeds.errors import InputFileError
from highneeds.importers.sen2 import import_sen2
from highneeds.sen2 import schema as sen2_tables
from highneeds.sen2.derived import NotDerivableError, all_derived, caseload, prepare, transitions
from highneeds.sen2.read import read_return
from highneeds.sen2.read_modules import MODULE_FILES
from highneeds.sen2.validate import validate
from highneeds.sen2.write import write_module_csv, write_xml

from .test_import import _dump, _personal_values

KEY = b"module-csv-key"
HELD = {spec.module for spec in MODULE_FILES}


def _via_modules(ret, folder):
    return read_return(write_module_csv(ret, folder), year=ret.year, la_code=ret.la_code)


def _held_columns(module: str) -> list[str]:
    """Columns of ``module`` the layout holds (m1's Gender fills sex or gender_current)."""
    spec = next(s for s in MODULE_FILES if s.module == module)
    columns = [c for _, c in spec.items if c and c != "gender"]
    return columns + (["sex", "gender_current"] if module == "person" else [])


def _rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].sort_values(columns, kind="stable").reset_index(drop=True)


def test_tables_match_the_xml_reader_for_every_held_field(tmp_path, small_la, establishments):
    for ret in small_la:  # 2023 (GenderCurrent) and 2024 (Sex)
        xml = read_return(write_xml(ret, tmp_path / f"{ret.year}.xml"))
        mod = _via_modules(ret, tmp_path / f"m{ret.year}")
        assert mod.layout == "module_csv" and mod.modules == HELD
        assert (mod.year, mod.la_code, mod.reference_date) == (
            xml.year,
            xml.la_code,
            xml.reference_date,
        )
        for module in sorted(HELD):
            columns = _held_columns(module)
            assert len(mod[module]) == len(xml[module]), module
            pd.testing.assert_frame_equal(
                _rows(mod[module], columns), _rows(xml[module], columns), obj=module
            )
        # Not in this layout: empty tables, typed like the others.
        for module in ("placement", "need", "plan_detail"):
            assert mod[module].empty and list(mod[module].columns) == list(xml[module].columns)
        # Records stay linked to their request and child: same events row for row.
        events_mod = prepare(mod, KEY, establishments).events
        events_xml = prepare(xml, KEY, establishments).events
        assert len(events_mod) == len(ret["request"]) > 100
        pd.testing.assert_frame_equal(events_mod, events_xml)


def _events(parts) -> pd.DataFrame:
    return pd.concat([p.events for p in parts], ignore_index=True)


def test_funnel_timeliness_ceased_match_xml_and_caseload_is_unavailable(
    tmp_path, small_la, establishments
):
    xml = [
        prepare(read_return(write_xml(r, tmp_path / f"{r.year}.xml")), KEY, establishments)
        for r in small_la
    ]
    mod = [prepare(_via_modules(r, tmp_path / f"m{r.year}"), KEY, establishments) for r in small_la]
    expected = all_derived(pd.concat([p.states for p in xml]), _events(xml))
    got = all_derived(None, _events(mod))
    assert set(got) == {"funnel", "timeliness", "ceased"}
    for name in got:
        assert len(expected[name]) > 0, name
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)
    assert expected["funnel"]["children"].sum() > 0
    for part in mod:
        assert part.states is None
        assert "cannot be derived" in part.unavailable["caseload"]
        assert set(part.unavailable) == {"caseload", "transitions"}
    with pytest.raises(NotDerivableError, match=r"caseload.*cannot be derived.*placement"):
        caseload(None)
    with pytest.raises(NotDerivableError, match="transitions"):
        transitions(None, _events(mod))


def test_files_are_recognised_by_header_not_name(tmp_path, small_la):
    ret = small_la[-1]
    paths = write_module_csv(ret, tmp_path / "m")
    folder = tmp_path / "renamed"
    folder.mkdir()
    for i, path in enumerate(reversed(paths)):  # m5 becomes "export-0.csv", ...
        (folder / f"export-{i}.csv").write_text(path.read_text())
    again = read_return([folder], year=ret.year, la_code=ret.la_code)
    for module in HELD:
        columns = _held_columns(module)
        pd.testing.assert_frame_equal(
            _rows(again[module], columns), _rows(ret[module], columns), obj=module
        )


def _edit(path, header=None, line=None, text=None):
    rows = path.read_text().splitlines()
    if header is not None:
        rows[0] = header(rows[0])
        if line is None:
            rows = [rows[0]] + [r + "," if "Extra" in rows[0] else r for r in rows[1:]]
    if line is not None:
        rows[line - 1] = text(rows[line - 1])
    path.write_text("\n".join(rows) + "\n")


def _break(case: str, folder):
    """Edit one m-file of a written return so that it must be refused; return the error check."""
    if case == "missing column":
        path = folder / "m3.csv"
        frame = pd.read_csv(path, dtype=str).drop(columns="Assessment Outcome Date")
        frame.to_csv(path, index=False)
        return "m3.csv", 1, "Assessment Outcome Date", "missing column"
    if case == "unknown header":
        (folder / "m2.csv").write_text("Child,Request,When\n1,1,2023-05-01\n")
        return "m2.csv", 1, None, "matches none of the m1-m5"
    if case == "extra column":
        _edit(folder / "m2.csv", header=lambda h: h + ",Extra")
        return "m2.csv", 1, "Extra", "unknown column"
    if case == "impossible date":
        path = folder / "m2.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.loc[4, "Date Request Was Received"] = "31/02/2024"
        frame.to_csv(path, index=False)
        return "m2.csv", 6, "Date Request Was Received", "not a valid date"
    raise AssertionError(case)


CASES = ["missing column", "unknown header", "extra column", "impossible date"]


@pytest.mark.parametrize("case", CASES)
def test_broken_file_gives_located_error(case, tmp_path, small_la):
    ret = small_la[-1]
    folder = tmp_path / "m"
    write_module_csv(ret, folder)
    name, row, column, text = _break(case, folder)
    with pytest.raises(InputFileError, match=text) as caught:
        read_return([folder], year=ret.year, la_code=ret.la_code)
    where = caught.value.location
    assert (where.file, where.row) == (name, row)
    if column:
        assert where.column == column
    if case == "unknown header":  # says what was expected and what was found
        assert "Child, Request, When" in str(caught.value)
        assert "m3: Person ID, Requests Record ID, Assessment Outcome To Issue EHCP" in str(
            caught.value
        )


@pytest.mark.parametrize("case", CASES)
def test_broken_file_leaves_store_unchanged(
    case, tmp_path, store, small_la, establishments, secret
):
    import_sen2([write_xml(small_la[0], tmp_path / "ok.xml")], store, establishments=establishments)
    before = _dump(store)
    folder = tmp_path / "m"
    write_module_csv(small_la[-1], folder)
    _break(case, folder)
    with pytest.raises(InputFileError):
        import_sen2([folder], store, establishments=establishments, year=2024, la_code="999")
    assert _dump(store) == before


def test_year_and_la_must_be_given(tmp_path, small_la):
    folder = tmp_path / "m"
    write_module_csv(small_la[-1], folder)
    with pytest.raises(InputFileError, match="do not say which collection year"):
        read_return([folder])


def test_a_missing_module_file_is_named(tmp_path, small_la):
    paths = write_module_csv(small_la[-1], tmp_path / "m")
    with pytest.raises(InputFileError, match=r"lacks m4 \(named plans\)"):
        read_return([p for p in paths if p.name != "m4.csv"], year=2024, la_code="999")


def test_rules_needing_absent_modules_do_not_fire(tmp_path, small_la, establishments):
    ret = small_la[-1]
    mod = _via_modules(ret, tmp_path / "m")
    report = validate(mod, establishments)
    assert (report["severity"] != "error").all(), report.head()
    skipped = report.attrs["not_applicable"]
    assert skipped["S2-502"] == "placement" and skipped["S2-201"] == "need"
    assert "S2-401" not in skipped and "S2-404" not in skipped
    # Rules on the modules the layout holds still fire: an assessment whose request is absent.
    m3 = tmp_path / "m" / "m3.csv"
    frame = pd.read_csv(m3, dtype=str, keep_default_na=False)
    frame.loc[0, "Requests Record ID"] = "no-such-request"
    frame.to_csv(m3, index=False)
    broken = read_return([tmp_path / "m"], year=ret.year, la_code=ret.la_code)
    report = validate(broken, establishments)
    orphans = report[report["code"] == "S2-404"]
    assert orphans["module"].tolist() == ["Assessment"] and orphans["row"].tolist() == [2]


def test_no_personal_field_reaches_the_store(tmp_path, store, small_la, establishments, secret):
    folders = []
    for ret in small_la:
        write_module_csv(ret, tmp_path / f"m{ret.year}")
        folders.append(tmp_path / f"m{ret.year}")
    results = [
        import_sen2([f], store, establishments=establishments, year=r.year, la_code="999")[0]
        for f, r in zip(folders, small_la, strict=True)
    ]
    assert all(r.children > 0 and "caseload" in r.unavailable for r in results)
    dumped = _dump(store)
    personal = set().union(*(_personal_values(r) for r in small_la))
    assert len(personal) > 500
    leaked = [value for value in personal if value in dumped]
    assert not leaked, f"store holds personal values such as {leaked[:3]}"
    people = store.read_frame(sa.select(sen2_tables.persons))
    assert len(people) == sum(len(r["person"]) for r in small_la)
    assert people["birth_month"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert people["child_id"].str.fullmatch(r"[0-9a-f]{20}").all()
    # Derivable tables arrived; caseload and states were not filled with zeros.
    assert len(store.read_frame(sa.select(sen2_tables.funnel))) > 0
    assert store.read_frame(sa.select(sen2_tables.caseload)).empty
    assert store.read_frame(sa.select(sen2_tables.states)).empty


def test_module_and_blade_csvs_together_are_refused(tmp_path, small_la):
    from highneeds.sen2.write import write_blade_csv

    ret = small_la[-1]
    paths = write_module_csv(ret, tmp_path / "m") + write_blade_csv(ret, tmp_path / "b")[:1]
    with pytest.raises(InputFileError, match="module CSVs and Blade CSVs given together"):
        read_return(paths, year=ret.year, la_code=ret.la_code)
