"""Every URL in highneeds.web declares who may open it (see accounts/permissions.py)."""

from django.urls import URLPattern, URLResolver, get_resolver

from highneeds.web.accounts.permissions import access_rule


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":  # Django admin has its own staff-only rule
                continue
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_url_declares_an_access_rule():
    undeclared = [
        route for route, callback in _patterns(get_resolver()) if not access_rule(callback)
    ]
    assert undeclared == [], f"Views without @public/@signed_in/@workspace_role: {undeclared}"


def test_rule_finder_sees_workspace_views():
    rules = {route: access_rule(callback) for route, callback in _patterns(get_resolver())}
    assert rules["healthz"] == "public"
    assert rules["workspaces/<str:la_code>/"] == "workspace:viewer"
