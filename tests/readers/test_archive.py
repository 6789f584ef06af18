"""Zip containers that unpack to more than the upload limit are refused before any reader
opens them, whatever route they come by: import by content, SEN2, finance, codebook."""

from __future__ import annotations

import zipfile

import pytest

from highneeds.consult.analysis.codebook import read_codebook
from highneeds.errors import InputFileError
from highneeds.finance.templates import read_unit_costs
from highneeds.importers.registry import import_file
from highneeds.readers.archive import check_unpacked_size
from highneeds.sen2.read import read_return
from highneeds.sen2.read_excel import read_workbook

# 1 MB limit; the bomb is a few kB on disk and 8 MB unpacked.
LIMIT_MB = "1"


@pytest.fixture
def bomb(tmp_path, monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_MAX_UPLOAD_MB", LIMIT_MB)

    def make(name: str):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * (8 * 1024 * 1024 // 6))
        assert path.stat().st_size < 100_000
        return path

    return make


def test_the_check_names_the_file_and_the_sizes(bomb):
    with pytest.raises(InputFileError, match=r"unpacked, the file holds 8 MB, over the 1 MB") as e:
        check_unpacked_size(bomb("budget.xlsx"))
    assert e.value.location.file == "budget.xlsx"


@pytest.mark.parametrize(
    "read",
    [
        lambda path, store: import_file(store, path, la_code="356"),
        lambda path, store: read_return(path),
        lambda path, store: read_workbook(path),
        lambda path, store: read_unit_costs(path),
        lambda path, store: read_codebook(path),
    ],
    ids=["import_file", "sen2_read_return", "sen2_read_workbook", "finance_template", "codebook"],
)
def test_every_reader_refuses_a_workbook_that_unpacks_too_large(bomb, store, read):
    with pytest.raises(InputFileError, match="unpacked"):
        read(bomb("data.xlsx"), store)


def test_a_zip_upload_is_refused_the_same_way(bomb, store):
    with pytest.raises(InputFileError, match="unpacked"):
        import_file(store, bomb("sen2.zip"), la_code="356")


def test_ordinary_files_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_MAX_UPLOAD_MB", LIMIT_MB)
    text = tmp_path / "plain.csv"
    text.write_text("a,b\n1,2\n")
    check_unpacked_size(text)  # not a zip: left to its reader
    small = tmp_path / "small.zip"
    with zipfile.ZipFile(small, "w") as archive:
        archive.writestr("a.csv", "a,b\n1,2\n")
    check_unpacked_size(small)


def test_a_dfe_release_given_on_the_command_line_meets_the_limit_too(bomb):
    from highneeds.readers.dfe_files import ReleaseSource

    with pytest.raises(InputFileError, match=r"over the 1 MB limit"):
        ReleaseSource.open(bomb("ehcp_release_2024.zip"))
