"""Who may open which page: every view in highneeds.web declares its rule with one of these.

- ``@public``: anyone, signed in or not (health check, public consultation pages).
- ``@signed_in``: any signed-in person.
- ``@workspace_role(Role.VIEWER | ANALYST | ADMIN)``: a member of the workspace named by the URL's
  ``la_code`` with at least that role (viewer < analyst < admin). Superusers count as admin.
  Sets ``request.workspace`` and ``request.membership_role``.
- Class-based views: ``WorkspaceRoleMixin`` with ``required_role``, ``SignedInMixin``,
  ``PublicMixin``.

Anonymous people are sent to sign in; signed-in people without the role get 403; unknown
workspaces give 404 (and so do workspaces the person is not a member of, so a URL does not reveal
which LAs use the service). tests/web/test_url_permissions.py fails if a URL has no declared rule.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership, Workspace

Role = Membership.Role
ROLE_RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.ADMIN: 3}
ACCESS_ATTRIBUTE = "highneeds_access"


def role_in(user, workspace: Workspace) -> str | None:
    """The user's role in the workspace, or None if they are not a member."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    membership = Membership.objects.filter(user=user, workspace=workspace).only("role").first()
    return membership.role if membership else None


def has_role(user, workspace: Workspace, required: str) -> bool:
    """True when the user holds `required` or a higher role in the workspace."""
    role = role_in(user, workspace)
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(required)]


def workspaces_for(user):
    """Workspaces the user can open (all of them for superusers)."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    if user.is_superuser:
        return Workspace.objects.all()
    return Workspace.objects.filter(memberships__user=user)


def check_workspace_access(request, la_code: str, required: str) -> Workspace:
    """Load the workspace for la_code and check the request's user may use it with `required`.

    Raises Http404 when the workspace does not exist or the user is not a member, and
    PermissionDenied when they are a member with too low a role.
    """
    workspace = Workspace.objects.filter(la_code=la_code).first()
    role = role_in(request.user, workspace) if workspace else None
    if workspace is None or role is None:
        raise Http404("No such workspace for you.")
    if ROLE_RANK[Role(role)] < ROLE_RANK[Role(required)]:
        raise PermissionDenied(
            f"Your role in {workspace.name} is {Role(role).label.split(' (')[0].lower()}; "
            f"this needs {Role(required).label.split(' (')[0].lower()} or above."
        )
    request.workspace = workspace
    request.membership_role = role
    return workspace


def _mark(view, rule: str):
    setattr(view, ACCESS_ATTRIBUTE, rule)
    return view


def public(view):
    """Anyone may open this view."""
    return _mark(view, "public")


def signed_in(view):
    """Any signed-in, active person may open this view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _mark(wrapper, "signed-in")


def workspace_role(required: str):
    """Members of the URL's workspace (kwarg ``la_code``) with at least `required` role."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, la_code: str, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            workspace = check_workspace_access(request, la_code, required)
            return view(request, *args, workspace=workspace, **kwargs)

        return _mark(wrapper, f"workspace:{required}")

    return decorator


class PublicMixin:
    highneeds_access = "public"


class SignedInMixin:
    highneeds_access = "signed-in"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


class WorkspaceRoleMixin:
    """For class-based views under a ``<la_code>`` URL; sets self.workspace."""

    required_role: str = Role.VIEWER
    highneeds_access = "workspace"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.workspace = check_workspace_access(request, kwargs["la_code"], self.required_role)
        return super().dispatch(request, *args, **kwargs)


def access_rule(callback) -> str | None:
    """The declared rule of a URL callback (function or class-based view), or None."""
    rule = getattr(callback, ACCESS_ATTRIBUTE, None)
    view_class = getattr(callback, "view_class", None)
    if rule is None and view_class is not None:
        rule = getattr(view_class, ACCESS_ATTRIBUTE, None)
    return rule
