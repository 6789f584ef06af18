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
