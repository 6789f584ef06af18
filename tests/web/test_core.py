"""Health check, security headers, static assets and the base template."""

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_ok(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


@pytest.fixture
def broken_database(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)


def test_healthz_reports_503_when_database_fails(client, broken_database):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_status_page_is_words_not_json(client):
    response = client.get(reverse("status"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "The service is working" in html
    assert "{" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    # the footer's "Service status" link leads here, not to the JSON health check
    assert f'href="{reverse("status")}">Service status</a>' in html


def test_status_page_says_plainly_when_the_database_fails(client, broken_database):
    response = client.get(reverse("status"))
    assert response.status_code == 503
    assert "The service is not working at the moment" in response.content.decode()


def test_warm_up_imports_views_compiles_templates_and_draws(monkeypatch):
    import sys

    from highneeds.web import warm

    monkeypatch.setenv("HIGHNEEDS_WARM", "1")
    assert warm.warm() > 0
    assert "highneeds.web.workspace.views" in sys.modules
    assert "highneeds.finance.benchmark" in sys.modules
    assert warm._templates() > 20
    monkeypatch.setenv("HIGHNEEDS_WARM", "0")
    assert warm.warm() == 0.0


def test_every_page_sends_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp


def test_base_template_has_govuk_landmarks_and_ogl(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'class="govuk-skip-link"' in html
    assert 'href="#main-content"' in html
    assert 'id="main-content"' in html
    assert "govuk-phase-banner" in html
    assert "Contains public sector information licensed under the" in html
    assert "Open Government Licence v3.0" in html
    # No CDN: every stylesheet and script is served from our own /static/.
    assert "https://" not in html.split("<footer")[0]


def test_vendored_govuk_frontend_is_served(client):
    from django.contrib.staticfiles import finders

    css = finders.find("govuk/css/govuk-frontend.min.css")
    assert css is not None
    with open(css, encoding="utf-8") as handle:
        text = handle.read()
    assert ".govuk-header" in text
    # GDS Transport is only licensed for GOV.UK: our build uses the system font stack.
    assert "GDS Transport" not in text
    assert finders.find("govuk/js/govuk-frontend.min.js") is not None
    assert finders.find("govuk/LICENCE.txt") is not None


def test_production_settings_refuse_to_start_without_secret(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    sys.modules.pop("highneeds.web.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        importlib.import_module("highneeds.web.settings.production")


def test_production_settings_turn_on_hsts_and_secure_cookies_behind_tls(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("HIGHNEEDS_BEHIND_TLS", "1")
    sys.modules.pop("highneeds.web.settings.production", None)
    production = importlib.import_module("highneeds.web.settings.production")
    sys.modules.pop("highneeds.web.settings.production", None)
    assert production.DEBUG is False
    assert production.SECURE_HSTS_SECONDS >= 31_536_000
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True


def test_production_settings_without_tls_send_no_hsts(monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.delenv("HIGHNEEDS_BEHIND_TLS", raising=False)
    sys.modules.pop("highneeds.web.settings.production", None)
    production = importlib.import_module("highneeds.web.settings.production")
    sys.modules.pop("highneeds.web.settings.production", None)
    assert not hasattr(production, "SECURE_HSTS_SECONDS") or not production.SECURE_HSTS_SECONDS
    assert production.SESSION_COOKIE_SECURE is False


@override_settings(DEBUG=False)
def test_unknown_page_gets_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
