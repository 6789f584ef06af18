"""Importing into the store: pseudonymised, atomic, idempotent, refused when unsafe."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
import sqlalchemy as sa

from highneeds.errors import InputFileError
from highneeds.forecast.transitions import validate_transitions
from highneeds.importers.sen2 import import_sen2
from highneeds.sen2 import schema as sen2_tables
from highneeds.sen2.pseudonymise import MissingSecretError
from highneeds.sen2.stored import stored_transitions
from highneeds.sen2.validate import validate, write_report
from highneeds.sen2.write import write_blade_csv, write_xml
from highneeds.store import schema


def _dump(store) -> str:
    """Every row of every table in the store, as one text."""
    parts = []
    for table in schema.metadata.sorted_tables:
        parts.append(store.read_frame(sa.select(table)).to_csv(index=False))
    return "\n".join(parts)


def _personal_values(ret) -> set[str]:
    """Names, UPNs and postcodes. (Birth dates are checked apart: as plain dates they also
    occur by chance among request and plan dates.)"""
    person = ret["person"]
    values = set(person["upn"].dropna()) | set(person["postcode"].dropna())
    values |= set(person["surname"].dropna()) | set(person["forename"].dropna())
    return values


def test_no_personal_field_reaches_store_log_or_report(
    tmp_path, store, small_la, establishments, secret, caplog
):
    paths = [write_xml(r, tmp_path / f"{r.year}.xml") for r in small_la]
    with caplog.at_level(logging.DEBUG):
        results = import_sen2(paths, store, establishments=establishments)
    assert all(r.children > 0 for r in results)
    broken = small_la[-1]
    report = validate(broken, establishments, secret)
    report_path = write_report(report, tmp_path / "report.csv")
    dumped = _dump(store)
    texts = {"store": dumped, "log": caplog.text, "report": report_path.read_text()}
    personal = set().union(*(_personal_values(r) for r in small_la))
    assert len(personal) > 500
    for where, text in texts.items():
        leaked = [value for value in personal if value in text]
        assert not leaked, f"{where} holds personal values such as {leaked[:3]}"
    births = set().union(
        *(set(r["person"]["birth_date"].dt.strftime("%Y-%m-%d")) for r in small_la)
    )
    assert not [b for b in births if b in caplog.text or b in texts["report"]]
    people = store.read_frame(sa.select(sen2_tables.persons))
    assert people["birth_month"].str.fullmatch(r"\d{4}-\d{2}").all()
    # The pseudonymised tables did arrive.
    states = store.read_frame(sa.select(sen2_tables.states))
    assert len(states) == sum(r.children for r in results)
    assert states["child_id"].str.fullmatch(r"[0-9a-f]{20}").all()


def test_store_columns_hold_nothing_personal():
    personal = {"surname", "forename", "postcode", "upn", "uln", "birth_date", "name"}
    for table in schema.metadata.sorted_tables:
        if table.name.startswith("hn_sen2"):
            assert not personal & set(table.c.keys()), table.name


def test_same_child_links_across_years(tmp_path, store, small_la, establishments, secret):
    import_sen2(
        [write_xml(r, tmp_path / f"{r.year}.xml") for r in small_la],
        store,
        establishments=establishments,
    )
    moves = stored_transitions(store, "999")
    checked = validate_transitions(moves, source="SEN2 transitions")  # the forecasting contract
    assert len(checked) == len(moves)
    assert set(moves["year"]) == {2023}
    stayers = moves.dropna(subset=["setting_from", "setting_to"])
    assert len(stayers) > 0.7 * len(moves)
    assert (moves["ncy_to"] == moves["ncy_from"] + 1).all()
    joiners = moves[moves["setting_from"].isna()]
    leavers = moves[moves["setting_to"].isna()]
    assert joiners["need_from"].isna().all() and len(joiners) > 0
    assert leavers["leave_reason"].notna().all() and len(leavers) > 0
    assert moves.loc[moves["setting_to"].notna(), "leave_reason"].isna().all()


def test_reimport_is_idempotent_and_a_corrected_return_replaces(
    tmp_path, store, small_la, establishments, secret
):
    path = write_xml(small_la[-1], tmp_path / "a.xml")
    first = import_sen2([path], store, establishments=establishments)[0]
    again = import_sen2([path], store, establishments=establishments)[0]
    assert again.result.already_imported and again.result.import_id == first.result.import_id
    corrected = write_blade_csv(small_la[-1], tmp_path / "csv")  # same data, other layout
    import_sen2(corrected, store, establishments=establishments, replace=True)
    states = store.read_frame(sa.select(sen2_tables.states))
    assert len(states) == first.children  # replaced, not doubled
    kinds = store.imports()["kind"].tolist()
    assert kinds.count("sen2:2024") == 1


def _broken_files(case, tmp_path, shared_data, small_la):
    """Files for one kind of broken input."""
    mock = (shared_data / "sen2-samples" / "SEN2-2024-mockup.xml").read_text()
    if case == "malformed":
        text = mock[: len(mock) // 2]
    elif case == "namespace":
        text = mock.replace("<Message>", '<Message xmlns="urn:x">', 1)
    elif case == "date":
        text = mock.replace("2023-11-30", "31/02/2024", 1)
    elif case == "too_big":
        return [write_xml(small_la[-1], tmp_path / "big.xml")]
    else:
        csv_paths = write_blade_csv(small_la[-1], tmp_path / "csv")
        requests = next(p for p in csv_paths if p.name.endswith("_requests.csv"))
        frame = pd.read_csv(requests, dtype=str).drop(columns=["requestoutcome"])
        frame.to_csv(requests, index=False)
        return csv_paths
    path = tmp_path / f"{case}.xml"
    path.write_text(text)
    return [path]


@pytest.mark.parametrize("case", ["malformed", "namespace", "date", "csv_column", "too_big"])
def test_broken_input_leaves_store_unchanged(
    case, tmp_path, store, small_la, establishments, secret, shared_data, monkeypatch
):
    import_sen2([write_xml(small_la[0], tmp_path / "ok.xml")], store, establishments=establishments)
    before = _dump(store)
    files = _broken_files(case, tmp_path, shared_data, small_la)
    if case == "too_big":
        monkeypatch.setenv("HIGHNEEDS_MAX_UPLOAD_MB", "0.01")
    with pytest.raises(InputFileError) as err:
        import_sen2(files, store, establishments=establishments)
    assert err.value.location.file  # names the file
    assert _dump(store) == before


def test_import_refused_without_secret(tmp_path, store, small_la, establishments, monkeypatch):
    monkeypatch.delenv("HIGHNEEDS_SECRET", raising=False)
    with pytest.raises(MissingSecretError, match="HIGHNEEDS_SECRET"):
        import_sen2(
            [write_xml(small_la[0], tmp_path / "a.xml")], store, establishments=establishments
        )
    assert store.imports().empty


@pytest.mark.slow
def test_demo_imports_without_a_secret(store, monkeypatch):
    from highneeds.importers.sen2 import import_demo

    monkeypatch.delenv("HIGHNEEDS_SECRET", raising=False)
    results = import_demo(store)
    assert [r.year for r in results] == list(range(2019, 2025))
    assert all(r.issues.empty for r in results)
    moves = stored_transitions(store, "999")
    assert sorted(moves["year"].unique()) == list(range(2019, 2024))
    caseload = store.read_frame(
        "select year, sum(children) as children from hn_sen2_caseload group by year order by year"
    )
    assert caseload.loc[caseload["year"] == 2022, "children"].item() == pytest.approx(
        2618, rel=0.01
    )
