"""Every reader fed random and mutated files (hypothesis, derandomized): only clear errors
(HighneedsError, naming the file) come out, never another exception; and an import that is
refused leaves the store exactly as it was.

Seeds are real: the DfE releases in both layouts, SEN2 returns (the shared mock-up, XML, Blade
CSV, the DfE Excel template), the finance templates, the places register, strategy and
decision-pack TOML, scenario TOML, a Pol.is survey export and the shipped codebooks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.consult.analysis.codebook import read_codebook
from highneeds.consult.analysis.survey import SurveyColumns, read_survey, survey_answers
from highneeds.errors import HighneedsError
from highneeds.finance.scenarios import read_scenario
from highneeds.finance.templates import read_budget, read_capacity, read_unit_costs
from highneeds.importers.registry import import_file
from highneeds.readers.dfe_ehcp import read_release
from highneeds.sen2.read import read_return
from highneeds.strategy.definition import read_strategy
from highneeds.strategy.pack import read_pack_text
from highneeds.strategy.places import read_register

from .conftest import SHARED_DATA, SHIPPED, finance_seeds, release_seeds, sen2_seeds
from .mutations import FUZZ, mutated

EXAMPLES = 50  # per reader: the whole module stays well under two minutes on two cores


def _located(error: HighneedsError) -> None:
    """The error is one clear message that says which file (an archive's member counts)."""
    text = str(error)
    assert text.strip() and "Traceback" not in text
    location = getattr(error, "location", None)
    assert location is None or location.file, f"no file named: {text}"


def _check(read: Callable[[Path], object], folder: Path, case) -> None:
    name, how, data = case
    path = folder / name
    path.write_bytes(data)
    try:
        read(path)
    except HighneedsError as error:
        _located(error)
    except Exception as error:  # the point of the test: nothing else may escape
        raise AssertionError(f"{name} ({how}): {type(error).__name__}: {error}") from error


def _text_seeds(*paths: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in paths}


def _survey(path: Path):
    frame = read_survey(path)
    columns = SurveyColumns(text="comment-body", id="comment-id")
    return survey_answers(frame, columns, file=path.name)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzzed")


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
def test_dfe_release_readers(folder, data):
    _check(read_release, folder, data.draw(mutated(release_seeds())))


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
def test_sen2_readers_xml_csv_and_excel(folder, data):
    def read(path: Path):
        if path.suffix == ".zip":  # the Blade CSVs: unpacked as the import does
            import zipfile

            target = path.with_suffix("")
            target.mkdir(exist_ok=True)
            for old in target.iterdir():
                old.unlink()
            try:
                zipfile.ZipFile(path).extractall(target)
            except Exception:
                return  # a zip too broken to open is the registry's case, below
            return read_return(sorted(target.iterdir()))
        return read_return(path, year=2024, la_code="999")

    _check(read, folder, data.draw(mutated(sen2_seeds())))


READERS = {
    "unit costs": read_unit_costs,
    "capacity": read_capacity,
    "budget": read_budget,
}


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data(), reader=st.sampled_from(sorted(READERS)))
def test_finance_templates(folder, data, reader):
    _check(READERS[reader], folder, data.draw(mutated(finance_seeds())))


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
def test_places_register(folder, data):
    seeds = _text_seeds(SHIPPED / "strategy" / "stockport_places_register.csv")
    _check(read_register, folder, data.draw(mutated(seeds)))


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
def test_strategy_pack_and_scenario_toml(folder, data):
    strategy = SHIPPED / "strategy" / "stockport_send_strategy_2024_27.toml"
    pack = SHIPPED / "strategy" / "decision_pack.toml"
    scenarios = sorted((SHIPPED / "finance" / "change_programme").glob("*.toml"))
    readers = {strategy.name: read_strategy, pack.name: read_pack_text}
    readers.update({p.name: read_scenario for p in scenarios})
    seeds = _text_seeds(strategy, pack, *scenarios)
    case = data.draw(mutated(seeds))
    _check(readers[case[0]], folder, case)


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
def test_survey_export_and_codebook(folder, data):
    polis = SHARED_DATA / "polis-conversations" / "football-concussions" / "comments.csv"
    seeds = {
        "survey.csv": b"".join(polis.read_bytes().splitlines(keepends=True)[:40]),
        "codebook.csv": (SHIPPED / "consult_eval" / "codebook.csv").read_bytes(),
    }
    case = data.draw(mutated(seeds))
    _check(_survey if case[0] == "survey.csv" else read_codebook, folder, case)


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
def test_import_by_content_refuses_cleanly_and_changes_nothing(store, folder, secret, data):
    from importers.test_registry import _snapshot

    seeds = {**release_seeds(), **sen2_seeds(), **finance_seeds()}
    name, how, mutated_bytes = data.draw(mutated(seeds))
    path = folder / "upload" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(mutated_bytes)
    before = _snapshot(store)
    try:
        import_file(store, path, la_code="999", year=2024)
    except HighneedsError as error:
        _located(error)
        assert _snapshot(store) == before, f"{name} ({how}): refused, but the store changed"
    except Exception as error:
        raise AssertionError(f"{name} ({how}): {type(error).__name__}: {error}") from error
