"""The demo LA's shipped files imported through the importers any LA's files go through."""

from __future__ import annotations

from pathlib import Path

from highneeds.finance.demo import EXAMPLES, write_example_budget


def load_demo_la(store) -> list[str]:
    """Import the demo LA's shipped SEN2 returns, unit costs, capacity register, budget and
    outturn into ``store`` through the same importers an LA's own files go through (each
    idempotent: the same file again changes nothing; a file an officer has imported for the
    demo LA since is kept). Returns what was done, a line each."""
    import tempfile

    from highneeds.finance.la_inputs import imported_file
    from highneeds.finance.stored import import_kind
    from highneeds.importers.finance import import_finance
    from highneeds.importers.sen2 import import_demo
    from highneeds.sen2.synth import LA_CODE, LA_NAME

    store.create_all()
    results = import_demo(store)
    loaded = [str(r.year) for r in results if not r.result.already_imported]
    done = [
        f"SEN2 returns for {LA_NAME}: "
        + (", ".join(loaded) + " loaded" if loaded else "already loaded (kept as they are)")
    ]
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "unit_costs": EXAMPLES / "unit_costs.csv",
            "capacity": EXAMPLES / "capacity.csv",
            "budget": write_example_budget(Path(folder) / "example-budget-and-outturn.xlsx"),
        }
        for template, path in files.items():
            if imported_file(store, import_kind(template), LA_CODE) is not None:
                done.append(f"{template.replace('_', ' ').capitalize()} for {LA_NAME}: kept")
                continue
            result = import_finance(store, path, la_code=LA_CODE, imported_by="demo")
            done.append(
                f"{template.replace('_', ' ').capitalize()} for {LA_NAME}: "
                f"{result.result.rows} rows loaded"
            )
    return done
