"""Content-Security-Policy header (Django 5.2 has no built-in CSP; 6.0 adds one)."""

from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Adds settings.CONTENT_SECURITY_POLICY to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RequestSizeLimitMiddleware:
    """Refuses request bodies larger than the largest allowed upload before Django reads them.

    Django streams uploaded files to disk before any view sees them (and the CSRF check reads
    the body), so without this a 5 GB post would be written out first. The limit is
    highneeds.config.max_upload_bytes() plus 1 MB for the other form fields.
    """

    def __init__(self, get_response):
        from highneeds import config

        self.get_response = get_response
        self.limit = config.max_upload_bytes() + 1024 * 1024
        self.limit_mb = config.max_upload_bytes() // (1024 * 1024)

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            from django.shortcuts import render

            return render(request, "413.html", {"limit_mb": self.limit_mb}, status=413)
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every page and download Django makes (not on static
    files, which WhiteNoise answers before this runs): workspace pages, staff pages, exports
    and the public journey's answers are personal data, and a shared computer's browser or
    a proxy must keep no copy. A view that sets its own Cache-Control (a chart image) keeps
    it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
