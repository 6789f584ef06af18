"""The demo LA as data: its shipped files loaded through the importers every LA uses.

The demo LA is "Stockbridge (fictional)", whose SEN2 returns 2019–2024 ship in
``highneeds/data/demo/`` (invented children, see docs/synthetic-la.md). Its example unit costs,
capacity register, budget and outturn, and three example scenarios (status quo; new special
school; early help + inclusion) are in ``highneeds/data/finance/examples/``.
:func:`load_demo_la` imports them all into the store, exactly as an LA imports its own files;
from then on the demo LA is read like any other (:mod:`highneeds.plan.inputs`), one size
everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.finance.bundled import DATA_DIR

EXAMPLES = DATA_DIR / "examples"

#: The forecast's synthetic LA's settings and the DSG management plan category of each.
SYNTHETIC_CATEGORIES = {
    "MAIN": "mainstream",
    "RP": "resourced_provision",
    "SPEC": "maintained_special",
    "INDEP": "independent_special",
    "FE": "post16_fe",
    "EY": "other",
}


def example_scenarios() -> list[Path]:
    return sorted(EXAMPLES.glob("*.toml"))


def write_example_budget(path: str | Path) -> Path:
    """The demo LA's invented budget, outturn and allocations (``examples/budget.csv`` and
    ``allocation.csv``) as the filled budget template, the file an LA would upload (.xlsx)."""
    from openpyxl import load_workbook

    from highneeds.finance.templates import ALLOCATION, BUDGET, MONEY, write_template

    path = write_template("budget", path)
    book = load_workbook(path)
    for spec, name in ((BUDGET, "budget.csv"), (ALLOCATION, "allocation.csv")):
        sheet = book[spec.sheet]
        sheet.delete_rows(2, sheet.max_row)  # the blank template's example rows
        rows = pd.read_csv(EXAMPLES / name, dtype=str, keep_default_na=False)
        money = {c.name for c in spec.columns if c.kind == MONEY}
        for record in rows[spec.names].to_dict("records"):
            # Numbers as number cells, as an officer's spreadsheet has them; text stays text.
            sheet.append([float(v) if k in money else v for k, v in record.items()])
    book.save(path)
    return path


_TRANSITION_DTYPES = {
    "year": "int64",
    "child_id": "string",
    "ncy_from": "Int64",
    "need_from": "string",
    "setting_from": "string",
    "ncy_to": "Int64",
    "need_to": "string",
    "setting_to": "string",
}


def demo_transitions(*, cache: bool = True) -> pd.DataFrame:
    """Yearly transitions of the shipped demo LA through the SEN2 derived tables.

    Reading six years of SEN2 XML takes several seconds, so the derived transitions (of
    invented children) are cached under ``$HIGHNEEDS_HOME/cache``, keyed by the returns'
    SHA-256: a changed demo file is never read from a stale cache.
    """
    from highneeds import config
    from highneeds.importers.sen2 import DEMO_KEY
    from highneeds.sen2 import derived
    from highneeds.sen2.demo import demo_paths
    from highneeds.sen2.establishments import demo_establishments
    from highneeds.sen2.read import read_returns
    from highneeds.store import file_sha256

    paths = demo_paths()
    key = file_sha256("".join(file_sha256(p) for p in paths).encode() + DEMO_KEY)[:20]
    cached = config.home() / "cache" / f"demo-transitions-{key}.csv"
    if cache and cached.exists():
        return pd.read_csv(cached, dtype=_TRANSITION_DTYPES)
    establishments = demo_establishments()
    prepared = [derived.prepare(ret, DEMO_KEY, establishments) for ret in read_returns(paths)]
    states = pd.concat([p.states for p in prepared], ignore_index=True)
    events = pd.concat([p.events for p in prepared], ignore_index=True)
    transitions = derived.transitions(states, events).drop(columns=["leave_reason"])
    transitions = transitions[list(_TRANSITION_DTYPES)].astype(_TRANSITION_DTYPES)
    if cache:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        transitions.to_csv(partial, index=False)
        partial.replace(cached)  # atomic: a reader never sees half a file
    return transitions


def load_demo_la(store) -> list[str]:
    """Import the demo LA's shipped SEN2 returns, unit costs, capacity register, budget and
    outturn into ``store`` through the same importers an LA's own files go through (each
    idempotent: the same file again changes nothing; a file an officer has imported for the
    demo LA since is kept). Returns what was done, a line each."""
    import tempfile

    from highneeds.finance.la_inputs import imported_file
    from highneeds.importers.finance import import_finance, import_kind
    from highneeds.importers.sen2 import import_demo
    from highneeds.sen2.synth import LA_CODE, LA_NAME

    store.create_all()
    results = import_demo(store)
    done = [f"SEN2 returns for {LA_NAME}: " + ", ".join(str(r.year) for r in results)]
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


def demo_la_code() -> str:
    """The demo LA's number, for the commands that load and show it."""
    from highneeds.sen2.synth import LA_CODE

    return LA_CODE
