"""The demo workspaces and the demo login the main command prints."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from highneeds import reference
from highneeds.sen2.synth import LA_CODE as SYNTHETIC_LA_CODE
from highneeds.sen2.synth import LA_NAME as SYNTHETIC_LA_NAME
from highneeds.web.accounts.models import Membership, Workspace

DEMO_USERNAME = "demo"
#: The LA whose published statistics the demo shows (the CLI's demo LA too).
PUBLIC_DEMO_LA = "356"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    workspaces: list[Workspace]


def setup_demo(public_la: str = PUBLIC_DEMO_LA) -> DemoLogin:
    """Create (or refresh) the synthetic LA's workspace, one public-data LA's workspace and a
    demo admin of both, with a new random password each time (printed, never stored in clear)."""
    la = reference.find_la(public_la)
    workspaces = []
    for code, name in ((SYNTHETIC_LA_CODE, SYNTHETIC_LA_NAME), (la.la_code, la.la_name)):
        workspace, _ = Workspace.objects.get_or_create(la_code=code, defaults={"name": name})
        workspaces.append(workspace)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save()
    for workspace in workspaces:
        Membership.objects.update_or_create(
            user=user, workspace=workspace, defaults={"role": Membership.Role.ADMIN}
        )
    return DemoLogin(DEMO_USERNAME, password, workspaces)


def load_demo_data(store) -> list[str]:
    """Load the bundled national DfE release, the demo LA's shipped SEN2 returns (2019–2024)
    and its example scenarios, budget and outturn into the store; all idempotent. Returns what
    was done, one line each, for printing.

    The returns go through the same importer as a real LA's, and they are the ones the
    scenario comparison of the demo LA learns from, so every page shows one caseload."""
    from highneeds.importers.dfe import bundled_release_path, import_release
    from highneeds.importers.sen2 import import_demo

    done = [save_example_scenarios(store), import_example_budget(store)]
    national = import_release(store, bundled_release_path(), imported_by="demo")
    done.append(
        "National DfE statistics: already loaded"
        if national.already_imported
        else f"National DfE statistics: {national.rows:,} figures loaded"
    )
    results = import_demo(store)
    loaded = [str(r.year) for r in results if not r.result.already_imported]
    done.append(
        f"SEN2 returns for {SYNTHETIC_LA_NAME}: "
        + (", ".join(loaded) + " loaded" if loaded else "already loaded")
    )
    return done


def import_example_budget(store) -> str:
    """Import the demo LA's invented budget, outturn and allocations unless it has a budget
    imported (idempotent: a budget an officer uploaded for the demo LA is kept)."""
    import tempfile
    from pathlib import Path

    from highneeds.finance.demo import write_example_budget
    from highneeds.finance.la_inputs import imported_file
    from highneeds.finance.stored import import_kind
    from highneeds.importers.finance import import_finance

    if imported_file(store, import_kind("budget"), SYNTHETIC_LA_CODE) is not None:
        return f"Budget and outturn for {SYNTHETIC_LA_NAME}: already loaded"
    with tempfile.TemporaryDirectory() as folder:
        path = write_example_budget(Path(folder) / "example-budget-and-outturn.xlsx")
        result = import_finance(store, path, la_code=SYNTHETIC_LA_CODE, imported_by="demo")
    return f"Budget and outturn for {SYNTHETIC_LA_NAME}: {result.result.rows} rows loaded"


def save_example_scenarios(store) -> str:
    """Save the shipped example scenarios for the demo LA unless it has them (idempotent: an
    officer's edits to them are kept)."""
    from highneeds.finance.demo import example_scenarios
    from highneeds.finance.scenario_store import list_scenarios, save_scenario
    from highneeds.finance.scenarios import read_scenario

    saved = set(list_scenarios(store, SYNTHETIC_LA_CODE)["name"])
    added = []
    for path in example_scenarios():
        scenario = read_scenario(path)
        if scenario.name not in saved:
            save_scenario(store, SYNTHETIC_LA_CODE, scenario, saved_by="demo")
            added.append(scenario.name)
    return f"Example scenarios for {SYNTHETIC_LA_NAME}: " + (
        ", ".join(added) + " saved" if added else "already saved"
    )
