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
    demo admin of both. The password stays the same from one run to the next (a rerun of
    `./run demo` must not sign out the person using it) and any lockout of the demo login is
    lifted."""
    from highneeds.web.accounts import ratelimit
    from highneeds.web.accounts.forms import account_key

    la = reference.find_la(public_la)
    workspaces = []
    for code, name in ((SYNTHETIC_LA_CODE, SYNTHETIC_LA_NAME), (la.la_code, la.la_name)):
        workspace, _ = Workspace.objects.get_or_create(la_code=code, defaults={"name": name})
        workspaces.append(workspace)
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    password = _demo_password(user)
    ratelimit.reset_all(account_key(DEMO_USERNAME))
    for workspace in workspaces:
        Membership.objects.update_or_create(
            user=user, workspace=workspace, defaults={"role": Membership.Role.ADMIN}
        )
    return DemoLogin(DEMO_USERNAME, password, workspaces)


def _demo_password(user) -> str:
    """The password the last run printed, while it still signs the demo login in; otherwise
    a new random one. Kept in HIGHNEEDS_HOME/.demo-password (0600) beside the demo's secret:
    the demo login reaches only the fictional LA and public statistics."""
    from highneeds import config
    from highneeds.private_files import private_file

    kept = config.home() / ".demo-password"
    if kept.is_file():
        password = kept.read_text().strip()
        if password and user.check_password(password):
            return password
    password = secrets.token_urlsafe(12)
    with private_file(kept) as handle:
        handle.write(password.encode())
    user.set_password(password)
    user.save()
    return password


def load_demo_data(store) -> list[str]:
    """Load the bundled national DfE release, then the synthetic LA's shipped data (SEN2
    returns 2019–2024, unit costs, capacity, budget and outturn) through the importers every
    LA's files go through (:func:`highneeds.importers.demo.load_demo_la`: one demo LA, one size
    everywhere), and its example scenarios; all idempotent. Returns what was done, a line each."""
    from highneeds.importers.demo import load_demo_la
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
