"""Fixtures for the DfE EHCP reader/importer tests: the real releases, read once, and small
releases cut from them (a few LAs' rows, the real guidance) for fast store and bad-input tests."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from highneeds.readers.dfe_ehcp import read_release

ZIP_2022 = "dfe-ehcp-2022/education-health-and-care-plans_2022.zip"
SAMPLE_2025 = "dfe-ehcp-2025-sample"


@pytest.fixture(scope="session")
def zip_2022(shared_data) -> Path:
    return shared_data / ZIP_2022


@pytest.fixture(scope="session")
def folder_2025(shared_data) -> Path:
    return shared_data / SAMPLE_2025


@pytest.fixture(scope="session")
def tidy_2022(zip_2022):
    return read_release(zip_2022)


@pytest.fixture(scope="session")
def tidy_2025(folder_2025):
    return read_release(folder_2025)


def cut_release(source: Path, target: Path, la_names: tuple[str, ...]) -> Path:
    """A copy of a release (zip or folder) as a folder keeping only ``la_names``' rows."""
    target.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        members = {
            p.relative_to(source).as_posix(): p.read_bytes()
            for p in source.rglob("*")
            if p.is_file()
        }
    else:
        with zipfile.ZipFile(source) as archive:
            members = {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
    wanted = tuple(f",{name},".encode() for name in la_names)
    for name, data in members.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".csv"):
            lines = data.split(b"\n")
            data = (
                b"\n".join(
                    [lines[0], *(line for line in lines[1:] if any(w in line for w in wanted))]
                )
                + b"\n"
            )
        path.write_bytes(data)
    return target


@pytest.fixture(scope="session")
def _small_2022_template(zip_2022, tmp_path_factory) -> Path:
    return cut_release(
        zip_2022, tmp_path_factory.mktemp("cut") / "ehcp2022", ("Stockport", "Trafford")
    )


@pytest.fixture(scope="session")
def _small_2025_template(folder_2025, tmp_path_factory) -> Path:
    return cut_release(folder_2025, tmp_path_factory.mktemp("cut") / "ehcp2025", ("Wokingham",))


@pytest.fixture
def small_2022(_small_2022_template, tmp_path) -> Path:
    """The 2022 release cut to Stockport and Trafford (LA-aggregate layout, a folder of its own)."""
    return copy_tree(_small_2022_template, tmp_path / "ehcp2022")


@pytest.fixture
def small_2025(_small_2025_template, tmp_path) -> Path:
    """The 2025 sample cut to Wokingham (person-level layout, a folder of its own)."""
    return copy_tree(_small_2025_template, tmp_path / "ehcp2025")


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
