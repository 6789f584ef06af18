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


def load_demo_data(store, *, children: int = 600) -> list[str]:
    """Load the bundled national DfE release, the synthetic LA's SEN2 returns (2019–2024) and
    its example scenarios, budget and outturn into the store; all idempotent. Returns what was
    done, one line each, for printing."""
    import tempfile
    from pathlib import Path

    from highneeds import config
    from highneeds.importers.dfe import bundled_release_path, import_release
    from highneeds.importers.sen2 import import_sen2, stored_children
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml

    done = [save_example_scenarios(store), import_example_budget(store)]
    national = import_release(store, bundled_release_path(), imported_by="demo")
    done.append(
        "National DfE statistics: already loaded"
        if national.already_imported
        else f"National DfE statistics: {national.rows:,} figures loaded"
    )
    if config.installation_secret() is None:
        done.append(
            "Synthetic SEN2 returns not loaded: set HIGHNEEDS_SECRET (any long random text, kept "
            "private) so children's identifiers can be pseudonymised, then run this again"
        )
        return done
    # A year already stored is kept: it may be a return someone uploaded to try the workspace.
    generated = generate(SynthConfig(first_year=2019, last_year=2024, children=children))
    missing = [r for r in generated if stored_children(store, SYNTHETIC_LA_CODE, r.year) is None]
    if not missing:
        done.append(f"Synthetic SEN2 returns for {SYNTHETIC_LA_NAME}: already loaded")
        return done
    with tempfile.TemporaryDirectory() as folder:
        paths = [write_xml(ret, Path(folder) / f"sen2-{ret.year}.xml") for ret in missing]
        # The synthetic returns knowingly carry the errors the validation rules are shown on.
        results = import_sen2(paths, store, imported_by="demo", accept_errors=True)
    done.append(
        f"Synthetic SEN2 returns for {SYNTHETIC_LA_NAME}: "
        + ", ".join(str(r.year) for r in results)
    )
    return done


def import_example_budget(store) -> str:
    """Import the demo LA's invented budget, outturn and allocations unless it has a budget
    imported (idempotent: a budget an officer uploaded for the demo LA is kept)."""
    import tempfile
    from pathlib import Path

    from highneeds.finance.demo import write_example_budget
    from highneeds.finance.la_inputs import imported_file
    from highneeds.importers.finance import import_finance, import_kind

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
