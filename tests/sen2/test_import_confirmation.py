"""Imports that never surprise: a replacement or a return with errors is imported only when
the person says so; another secret is refused; every refusal leaves the store as it was."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from highneeds.importers.sen2 import ImportNeedsConfirmation, import_sen2
from highneeds.sen2 import schema as sen2_tables
from highneeds.sen2.inject import inject_errors
from highneeds.sen2.pseudonymise import SecretChangedError
from highneeds.sen2.write import write_xml
from highneeds.store import schema


def _dump(store) -> str:
    return "\n".join(
        store.read_frame(sa.select(t)).to_csv(index=False) for t in schema.metadata.sorted_tables
    )


def _children(store, year: int) -> int:
    states = store.read_frame(sa.select(sen2_tables.states))
    return int((states["year"] == year).sum())


@pytest.fixture
def with_errors(small_la):
    """The 2024 return with fewer children and validation errors (like the probe's 606->299)."""
    ret = small_la[-1]
    return inject_errors(ret, ["bad_need_code", "unknown_urn"], seed=3, count=4)


def test_replacing_a_stored_year_asks_and_says_what_changes(
    tmp_path, store, small_la, establishments, secret
):
    first = import_sen2(
        [write_xml(small_la[-1], tmp_path / "2024.xml")], store, establishments=establishments
    )[0]
    before = _dump(store)
    from highneeds.sen2.synth import SynthConfig, generate

    # Another 2024 return of the same LA, with half the children.
    (smaller,) = generate(SynthConfig(first_year=2024, last_year=2024, children=150, seed=5))
    path = write_xml(smaller, tmp_path / "2024-half.xml")
    with pytest.raises(ImportNeedsConfirmation) as asked:
        import_sen2([path], store, establishments=establishments)
    assert _dump(store) == before  # nothing written
    (change,) = asked.value.changes
    assert change.children_before == first.children
    assert change.children_after < first.children
    assert asked.value.needs_replace
    text = str(asked.value)
    assert f"{first.children:,} children" in text and "Nothing was imported" in text
    done = import_sen2([path], store, establishments=establishments, replace=True)[0]
    assert _children(store, 2024) == done.children == change.children_after


def test_a_return_with_errors_is_refused_unless_accepted(
    tmp_path, store, with_errors, establishments, secret
):
    path = write_xml(with_errors, tmp_path / "errors.xml")
    before = _dump(store)
    with pytest.raises(ImportNeedsConfirmation) as asked:
        import_sen2([path], store, establishments=establishments)
    assert store.imports().empty
    # Found by tests/fuzz: the secret's fingerprint was recorded although nothing was imported.
    assert _dump(store) == before
    assert store.setting(f"sen2_secret_fingerprint:{with_errors.la_code}") is None
    (change,) = asked.value.changes
    assert change.errors > 0 and not change.replaces
    assert asked.value.needs_accept_errors and not asked.value.needs_replace
    assert "validation error" in str(asked.value)
    done = import_sen2([path], store, establishments=establishments, accept_errors=True)[0]
    assert not done.result.already_imported and _children(store, with_errors.year) > 0
    assert store.setting(f"sen2_secret_fingerprint:{with_errors.la_code}") is not None


def test_the_same_file_again_asks_nothing(tmp_path, store, with_errors, establishments, secret):
    path = write_xml(with_errors, tmp_path / "errors.xml")
    import_sen2([path], store, establishments=establishments, accept_errors=True)
    again = import_sen2([path], store, establishments=establishments)[0]
    assert again.result.already_imported


def test_a_return_under_another_secret_is_refused(
    tmp_path, store, small_la, establishments, monkeypatch
):
    monkeypatch.setenv("HIGHNEEDS_SECRET", "the installation's own secret, kept in escrow")
    import_sen2(
        [write_xml(small_la[0], tmp_path / "2023.xml")], store, establishments=establishments
    )
    before = _dump(store)
    monkeypatch.setenv("HIGHNEEDS_SECRET", "a different secret typed on a new server")
    with pytest.raises(SecretChangedError, match="leaver and a joiner") as refused:
        import_sen2(
            [write_xml(small_la[1], tmp_path / "2024.xml")], store, establishments=establishments
        )
    assert "LA 999" in str(refused.value) and "operations" in str(refused.value)
    assert "different secret" not in str(refused.value)  # the secret itself is never shown
    assert _dump(store) == before
