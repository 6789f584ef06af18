"""`highneeds sen2 import` never surprises: a replacement or a return with errors needs a flag
(or a yes at the prompt), refusals exit non-zero, and files in the wrong encoding, random
bytes or a corrupt workbook end in one clear sentence, never a traceback."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.sen2 import app as sen2_app
from highneeds.sen2.inject import inject_errors
from highneeds.sen2.synth import SynthConfig, generate
from highneeds.sen2.write import write_blade_csv, write_module_csv, write_xml

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_SECRET", "cli test secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def returns():
    return generate(SynthConfig(first_year=2024, last_year=2024, children=40, seed=2))[0], generate(
        SynthConfig(first_year=2024, last_year=2024, children=25, seed=9)
    )[0]


def _import(*args):
    return runner.invoke(sen2_app, ["import", *map(str, args)])


def _plain(output: str) -> str:
    return " ".join(output.split())  # rich wraps lines at the terminal width


def test_errors_refused_without_the_flag_and_imported_with_it(tmp_path, cli_env, returns):
    broken = inject_errors(returns[0], ["bad_need_code"], seed=1, count=3)
    path = write_xml(broken, tmp_path / "errors.xml")
    refused = _import(path)
    assert refused.exit_code == 1
    text = _plain(refused.output)
    assert "not imported" in text and "validation error" in text and "--accept-errors" in text
    accepted = _import(path, "--accept-errors")
    assert accepted.exit_code == 0, accepted.output
    assert "validation issues" in accepted.output


def test_replacement_needs_replace_or_a_yes(tmp_path, cli_env, returns, monkeypatch):
    first, second = returns
    assert _import(write_xml(first, tmp_path / "a.xml")).exit_code == 0
    other = write_xml(second, tmp_path / "b.xml")
    refused = _import(other)
    assert refused.exit_code == 1
    text = _plain(refused.output)
    assert "would replace the stored return" in text and "--replace" in text
    # At a terminal the command asks; "n" declines, "y" replaces.
    monkeypatch.setattr("highneeds.cli.sen2._can_ask", lambda: True)
    declined = runner.invoke(sen2_app, ["import", str(other)], input="n\n")
    assert declined.exit_code == 1
    replaced = runner.invoke(sen2_app, ["import", str(other)], input="y\n")
    assert replaced.exit_code == 0, replaced.output
    assert _import(other, "--replace").exit_code == 0  # same file again: nothing to ask


@pytest.mark.parametrize("layout", ["blade", "modules"])
def test_a_cp1252_csv_with_o_brien_is_read(tmp_path, cli_env, returns, layout):
    ret = returns[0]
    if layout == "blade":
        files = write_blade_csv(ret, tmp_path / "csv")
        person = next(p for p in files if p.name.endswith("_person.csv"))
        column, extra = "surname", []
    else:
        files = write_module_csv(ret, tmp_path / "csv")
        person = next(p for p in files if p.name == "m1.csv")
        column, extra = "Surname", ["--year", "2024", "--la", ret.la_code]
    frame = pd.read_csv(person, dtype=str, keep_default_na=False)
    frame.loc[0, column] = "O’Brien"
    # What Excel on Windows writes: cp1252, so the apostrophe is the single byte 0x92.
    person.write_bytes(frame.to_csv(index=False).encode("cp1252"))
    assert b"\x92" in person.read_bytes()
    done = _import(*files, *extra, "--accept-errors")
    assert done.exit_code == 0, done.output
    assert "children with a plan" in done.output


@pytest.mark.parametrize(
    "name, content",
    [
        ("random.csv", bytes(range(256)) * 8),
        ("random.xml", b"\x00\xff\x13\x9a" * 500),
        ("random.xlsx", b"\x8b\x00\x11" * 700),
        ("corrupt.xlsx", b"PK\x03\x04" + b"\x00" * 300),
        ("truncated.xlsx", None),
        ("empty.csv", b""),
    ],
)
def test_unreadable_files_end_in_one_clear_sentence(tmp_path, cli_env, returns, name, content):
    path = tmp_path / name
    if content is None:  # a real workbook cut short, as a failed download leaves it
        from highneeds.sen2.write import write_workbook

        whole = write_workbook(returns[0], tmp_path / "whole.xlsx").read_bytes()
        content = whole[: len(whole) // 2]
    path.write_bytes(content)
    result = _import(path)
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert name in _plain(result.output)
    assert len(result.output.strip().splitlines()) <= 4  # one sentence, wrapped
