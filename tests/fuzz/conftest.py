"""Seeds for the fuzz tests: small real files of every kind a reader takes."""

from __future__ import annotations

import functools
import tempfile
import zipfile
from pathlib import Path

import pytest

from highneeds.finance.demo import EXAMPLES
from highneeds.finance.templates import write_template
from importers.conftest import filled_budget
from web.conftest import django_db_setup  # noqa: F401 - the core's tables in the test database

from .mutations import FUZZ, zip_bytes  # noqa: F401 - FUZZ: registers the settings profile

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "highneeds" / "data"
SECRET = "fuzz-installation-secret-0123456789"
#: Lines kept of each CSV in a release: enough for every reader step, small enough to be quick.
RELEASE_LINES = 25


def _head(data: bytes, lines: int) -> bytes:
    return b"".join(data.splitlines(keepends=True)[:lines])


@functools.cache
def release_seeds() -> dict[str, bytes]:
    """The two DfE release layouts, cut to their first rows (real headers, real values)."""
    sample = SHARED_DATA / "dfe-ehcp-2025-sample"
    new = {"data-guidance/data-guidance.txt": (sample / "data-guidance.txt").read_bytes()}
    for name in ("caseload.csv", "requests.csv", "newplans.csv", "timeliness_20_week.csv"):
        new[f"data/{name}"] = _head((sample / "data" / name).read_bytes(), RELEASE_LINES)
    old = {}
    with zipfile.ZipFile(next((SHARED_DATA / "dfe-ehcp-2022").glob("*.zip"))) as archive:
        for info in archive.infolist():
            with archive.open(info) as member:
                text = member.read(200_000)
            keep = 10_000 if info.filename.endswith(".txt") else RELEASE_LINES
            old[info.filename] = _head(text, keep)
    return {"ehcp_2025.zip": zip_bytes(new), "ehcp_2022.zip": zip_bytes(old)}


@functools.cache
def small_return():
    from highneeds.sen2.synth import SynthConfig, generate

    return generate(SynthConfig(first_year=2024, last_year=2024, children=25, seed=3))[0]


@functools.cache
def sen2_seeds() -> dict[str, bytes]:
    """A SEN2 return as XML (the shared mock-up and a generated one), Blade CSVs and the
    DfE Excel template."""
    from highneeds.sen2.write import write_blade_csv, write_workbook, write_xml

    folder = Path(tempfile.mkdtemp(prefix="fuzz-sen2-"))
    blade = write_blade_csv(small_return(), folder / "blade")
    return {
        "mockup.xml": (SHARED_DATA / "sen2-samples" / "SEN2-2024-mockup.xml").read_bytes(),
        "return.xml": write_xml(small_return(), folder / "return.xml").read_bytes(),
        "blade.zip": zip_bytes({p.name: p.read_bytes() for p in blade}),
        "template.xlsx": write_workbook(small_return(), folder / "t.xlsx").read_bytes(),
    }


@functools.cache
def finance_seeds() -> dict[str, bytes]:
    """The shipped example unit costs and capacity, and the budget template filled in."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-finance-"))
    budget = filled_budget(folder / "budget.xlsx")
    seeds = {
        "unit_costs.csv": (EXAMPLES / "unit_costs.csv").read_bytes(),
        "capacity.csv": (EXAMPLES / "capacity.csv").read_bytes(),
        "budget.xlsx": budget.read_bytes(),
    }
    for kind in ("unit_costs", "capacity"):
        seeds[f"{kind}-template.xlsx"] = write_template(kind, folder / f"{kind}.xlsx").read_bytes()
    return seeds


@pytest.fixture
def secret(monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_SECRET", SECRET)


def copy_to(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path
