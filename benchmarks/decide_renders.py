"""Time the documents the workspace's decide-and-track pages prepare as render jobs, through the
same core calls the renderers make: the progress report, the Investment Position Statement and
the decision pack, for Stockport from public data, each as PDF.

    python benchmarks/decide_renders.py [--simulations 500]

Uses a temporary embedded store with the bundled DfE release. Prints wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from importlib import resources
from pathlib import Path


def timed(label: str, work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(
        f"{label}: {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--simulations", type=int, default=500)
    args = parser.parse_args()

    from highneeds.importers.dfe import bundled_release_path, import_release
    from highneeds.importers.strategy import import_places, import_strategy
    from highneeds.plan.inputs import resolve
    from highneeds.store import Store
    from highneeds.strategy.data import kpi_data
    from highneeds.strategy.document import render
    from highneeds.strategy.ips import investment_position, ips_document
    from highneeds.strategy.pack import gather, pack_document, read_pack_text
    from highneeds.strategy.report import progress_document
    from highneeds.strategy.stored import stored_register, stored_strategy
    from highneeds.strategy.track import track

    folder = Path(str(resources.files("highneeds.data").joinpath("strategy")))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/store.db")
        store.create_all()
        import_release(store, bundled_release_path())
        import_strategy(store, folder / "stockport_send_strategy_2024_27.toml")
        import_places(store, folder / "stockport_places_register.csv", la_code="356")
        strategy = stored_strategy(store, "356")
        register = stored_register(store, "356")

        def progress():
            tracking = track(strategy, kpi_data(store, "356", strategy.neighbours, register))
            return render(progress_document(tracking), "pdf"), tracking

        _, tracking = timed("Progress report (12 KPIs), PDF", progress)
        inputs = timed("Plan inputs (resolve)", lambda: resolve(store, "356"))

        def ips():
            position = investment_position(inputs, register, simulations=args.simulations)
            return render(ips_document(position), "pdf")

        timed(f"IPS, {args.simulations} simulations, PDF", ips)

        def pack():
            data = kpi_data(store, "356", strategy.neighbours, register)
            evidence = gather(
                inputs,
                data,
                [],
                position=investment_position(inputs, register, simulations=args.simulations),
                tracking=tracking,
                simulations=args.simulations,
            )
            words = read_pack_text(folder / "decision_pack.toml")
            return render(pack_document(words, evidence), "pdf")

        timed(f"Decision pack, {args.simulations} simulations, PDF", pack)


if __name__ == "__main__":
    main()
