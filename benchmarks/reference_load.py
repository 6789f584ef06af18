"""How long the bundled reference data takes to load and answer (fresh interpreter each run).

Usage: .venv/bin/python benchmarks/reference_load.py [--build]
--build also times scripts/build_reference_data.py's work (reads ../shared/data).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import time
t0 = time.perf_counter()
import highneeds.reference as ref
t1 = time.perf_counter()
ref.las()
t2 = time.perf_counter()
ref.find_la("stockport")
t3 = time.perf_counter()
ref.statistical_neighbours("Stockport", "2021")
t4 = time.perf_counter()
ref.population("Stockport")
t5 = time.perf_counter()
ref.population_by_band()
t6 = time.perf_counter()
ref.imd("Stockport")
t7 = time.perf_counter()
steps = [("import highneeds.reference", t1 - t0), ("first las()", t2 - t1),
         ("find_la('stockport')", t3 - t2), ("statistical_neighbours (first)", t4 - t3),
         ("population('Stockport') 2021-2043 (first)", t5 - t4),
         ("population_by_band() all areas, all years", t6 - t5), ("imd (first)", t7 - t6)]
for name, seconds in steps:
    print(f"{name:45} {seconds * 1000:8.1f} ms")
print(f"{'total':45} {(t7 - t0) * 1000:8.1f} ms")
"""

BUILD = r"""
import time
from highneeds.reference.build import build_all
t0 = time.perf_counter()
build_all(%r)
print(f"{'build_all(../shared/data)':45} {time.perf_counter() - t0:8.1f} s")
"""


def main() -> None:
    subprocess.run([sys.executable, "-c", PROBE], check=True)
    if "--build" in sys.argv:
        source = str(ROOT.parent / "shared" / "data")
        subprocess.run([sys.executable, "-c", BUILD % source], check=True)
    data = ROOT / "src" / "highneeds" / "data" / "reference"
    total = 0
    for path in sorted(data.iterdir()):
        total += path.stat().st_size
        print(f"{path.name:45} {path.stat().st_size / 1024:8.1f} KiB")
    print(f"{'bundle total':45} {total / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
