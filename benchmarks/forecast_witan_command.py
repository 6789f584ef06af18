"""Benchmark the whole ``highneeds forecast witan`` command as a user runs it.

Run: .venv/bin/python benchmarks/forecast_witan_command.py [--runs 3] [--workbook] [--charts]

witan.send's demo inputs, 1,000 simulations × 5 years, in a fresh process each run (Python
start, imports, read, fit, simulate, every table, witan.send's files and ours written). Also
times a process that only imports the command line, the floor every command pays. Prints, per
run, wall time and the CPU time of the child process (user + system; on this shared machine
CPU time is distorted less by other jobs than wall time), then the best and the median.
Target: the whole command under 2 s (witan.send: 81 s).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WITAN_DEMO = ROOT.parent / "shared" / "data" / "witan-send-demo"


def timed(command: list[str]) -> tuple[float, float, str]:
    """(wall s, child CPU s, stdout) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def report(name: str, runs: list[tuple[float, float, str]]) -> None:
    walls = [r[0] for r in runs]
    cpus = [r[1] for r in runs]
    print(
        f"{name}: wall best {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
        f"CPU best {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s "
        f"({len(runs)} runs)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--simulations", type=int, default=1000)
    parser.add_argument("--workbook", action="store_true", help="also write forecast.xlsx")
    parser.add_argument("--charts", action="store_true", help="also draw the fan charts")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    os.environ.update(env)
    python = sys.executable
    imports = [timed([python, "-c", "import highneeds.cli.main"]) for _ in range(args.runs)]
    report("import the command line only", imports)
    with tempfile.TemporaryDirectory() as out:
        command = [python, "-m", "highneeds.cli.main", "forecast", "witan", str(WITAN_DEMO)]
        command += ["--simulations", str(args.simulations), "--horizon", "5", "--folder", out]
        command += ["--workbook"] if args.workbook else []
        command += ["--charts"] if args.charts else []
        runs = [timed(command) for _ in range(args.runs)]
        files = sorted(p.name for p in Path(out).iterdir())
    report(f"highneeds forecast witan, {args.simulations:,} simulations × 5 years", runs)
    print("    the command's own timing (after imports):", runs[0][2].splitlines()[0])
    print(f"    {len(files)} files written: {', '.join(files)}")
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


if __name__ == "__main__":
    main()
