"""Reuse the workspace's headless Chromium, sign-in and axe helpers (tests/web)."""

from web.browser.conftest import page, sign_in  # noqa: F401  (fixtures; `browser` is shared)
from web.conftest import user_password  # noqa: F401  (fixture sign_in needs)
