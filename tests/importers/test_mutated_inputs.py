"""Random and mutated inputs through the one import entry point (every reader behind it):
only clear, located errors (HighneedsError) come out, never another exception, and a refused
file leaves the store as it was. Seeded, so a failure repeats."""

from __future__ import annotations

import numpy as np
import pytest

from highneeds.errors import HighneedsError
from highneeds.importers.registry import import_file
from highneeds.sen2.write import write_blade_csv, write_workbook, write_xml

from .test_registry import _snapshot, _zip

CASES_PER_FILE = 20


def _mutations(data: bytes, rng: np.random.Generator):
    """Truncations, flipped bytes, inserted junk and a wholly random file of the same size."""
    size = len(data)
    yield "random bytes", rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    yield "empty", b""
    for _ in range(CASES_PER_FILE):
        kind = rng.integers(0, 3)
        if kind == 0:
            cut = int(rng.integers(1, size))
            yield f"truncated at {cut}", data[:cut]
        elif kind == 1:
            buffer = bytearray(data)
            for at in rng.integers(0, size, max(1, size // 200)):
                buffer[at] = int(rng.integers(0, 256))
            yield "flipped bytes", bytes(buffer)
        else:
            at = int(rng.integers(0, size))
            junk = rng.integers(0, 256, int(rng.integers(1, 64)), dtype=np.uint8).tobytes()
            yield f"junk inserted at {at}", data[:at] + junk + data[at:]


@pytest.fixture
def originals(tmp_path, small_return, unit_costs_csv, budget_xlsx):
    """One valid file of each kind an LA uploads."""
    blade = _zip(write_blade_csv(small_return, tmp_path / "blade"), tmp_path / "blade.zip")
    return {
        "return.xml": write_xml(small_return, tmp_path / "return.xml").read_bytes(),
        "template.xlsx": write_workbook(small_return, tmp_path / "t.xlsx").read_bytes(),
        "blade.zip": blade.read_bytes(),
        "costs.csv": unit_costs_csv.read_bytes(),
        "budget.xlsx": budget_xlsx.read_bytes(),
    }


@pytest.mark.slow
def test_mutated_files_give_only_clear_errors_and_change_nothing(
    store, tmp_path, originals, secret
):
    rng = np.random.default_rng(20261207)
    tried = refused = 0
    for name, data in originals.items():
        for what, mutated in _mutations(data, rng):
            path = tmp_path / "mutated" / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(mutated)
            before = _snapshot(store)
            tried += 1
            try:
                import_file(store, path, la_code="999")
            except HighneedsError as error:
                refused += 1
                assert str(error).strip(), f"{name}, {what}: an empty message"
                assert _snapshot(store) == before, f"{name}, {what}: refused but changed"
            except Exception as error:  # the test's point: nothing else may escape
                pytest.fail(f"{name}, {what}: {type(error).__name__}: {error}")
    assert tried == len(originals) * (CASES_PER_FILE + 2)
    assert refused > tried // 2  # most mutations break the file; the rest import cleanly
