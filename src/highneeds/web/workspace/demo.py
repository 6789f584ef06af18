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
    """Load the bundled national DfE release, then the synthetic LA's shipped data (SEN2
    returns 2019–2024, unit costs, capacity, budget and outturn) through the importers every
    LA's files go through (:func:`highneeds.finance.demo.load_demo_la`: one demo LA, one size
    everywhere), and its example scenarios; all idempotent. Returns what was done, a line each."""
    from highneeds.finance.demo import load_demo_la
    from highneeds.importers.dfe import bundled_release_path, import_release

    done = [save_example_scenarios(store)]
    national = import_release(store, bundled_release_path(), imported_by="demo")
    done.append(
        "National DfE statistics: already loaded"
        if national.already_imported
        else f"National DfE statistics: {national.rows:,} figures loaded"
    )
    return done + load_demo_la(store)


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
