"""The range each number a person types must fall in, and the limits an operator may set.

A form shows the range in its hint and refuses numbers outside it; the core checks again, so a
value that arrives another way (a file, the command line, a stale form) cannot be stored and
then break every page that reads it (a retention period of 999999999999999 days overflows
every date sum; 10^25 places cost £10^27).

Each limit an installation may change is a :class:`Setting`: an environment variable, its
default and the range it may be set in. ``check_environment`` reads them all and fails with
one sentence naming the variable, the range and the value given, so a bad value stops the
workspace (or a command) at start, not later on a page. docs/operations.md lists them
(a test checks every one is there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from highneeds.errors import HighneedsError


class OutOfRangeError(ValueError):
    """A number outside its stated range; the message names the quantity and the range."""


class LimitSettingError(HighneedsError):
    """An environment variable holds a limit that is not a number in its allowed range."""


@dataclass(frozen=True)
class Range:
    """Inclusive bounds for one kind of number, in ``unit``s."""

    low: float
    high: float
    unit: str

    def describe(self) -> str:
        """The range in words, e.g. 'from 0 to 3,650 days'."""
        return f"from {self.low:,} to {self.high:,} {self.unit}"

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def check(self, value: float, what: str) -> float:
        """``value`` if it is inside the range; otherwise OutOfRangeError naming ``what``."""
        if not self.contains(value):
            shown = f"{value:,}" if abs(value) < 1e15 else f"{value:.3g}"
            raise OutOfRangeError(f"{what} must be {self.describe()}, not {shown}")
        return value


@dataclass(frozen=True)
class Setting:
    """A limit an operator may set with the environment variable ``env``.

    ``allowed`` is the range the variable may take (values outside it are refused at start);
    ``default`` applies when the variable is unset or empty. ``decimals`` allows a fractional
    value (megabytes); otherwise it must be a whole number.
    """

    env: str
    default: float
    allowed: Range
    meaning: str
    decimals: bool = False

    def value(self, environ: Mapping[str, str] | None = None) -> float:
        """The configured value, or LimitSettingError in one sentence."""
        raw = (os.environ if environ is None else environ).get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            number = float(raw.replace("_", "")) if self.decimals else int(raw.replace("_", ""))
        except ValueError:
            number = None
        if number is None or number != number or not self.allowed.contains(number):
            kind = "a number" if self.decimals else "a whole number"
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            raise LimitSettingError(
                f"{self.env} ({self.meaning}) must be {kind} {self.allowed.describe()}, "
                f"not “{shown}”: correct it or unset it to use the default, {self.default:,}."
            )
        return number


# ---------------------------------------------------------------- what people type in forms

# Days after a consultation closes before personal details are erased: never more than ten
# years, the ceiling the database enforces. An installation may set a lower maximum.
RETENTION_DAYS = Range(0, 3650, "days")
MAX_RETENTION_DAYS = Setting(
    "HIGHNEEDS_MAX_RETENTION_DAYS",
    RETENTION_DAYS.high,
    Range(1, RETENTION_DAYS.high, "days"),
    "the longest retention period a consultation may set",
)
# Places one scenario intervention opens (or, negative, closes) in a year. A whole LA's
# specialist sector is a few thousand places; ten thousand leaves room and stops typos.
MAX_SCENARIO_PLACES = Setting(
    "HIGHNEEDS_MAX_SCENARIO_PLACES",
    10_000,
    Range(1, 1_000_000, "places"),
    "the most places a scenario may open or close in a year",
)
# Simulated futures in one forecast, and in each scenario of a comparison (which runs the
# baseline and every scenario on the same futures, so costs several forecasts).
MAX_SIMULATIONS = Setting(
    "HIGHNEEDS_MAX_SIMULATIONS",
    5_000,
    Range(100, 100_000, "simulations"),
    "the most simulations one forecast may draw",
)
MAX_COMPARISON_SIMULATIONS = Setting(
    "HIGHNEEDS_MAX_COMPARISON_SIMULATIONS",
    2_000,
    Range(100, 100_000, "simulations"),
    "the most simulations a scenario comparison or sufficiency check may draw",
)

# ---------------------------------------------------------------- files and requests

MAX_UPLOAD_MB = Setting(
    "HIGHNEEDS_MAX_UPLOAD_MB",
    200,
    Range(0.001, 4096, "MB"),
    "the largest input file accepted",
    decimals=True,
)
LOGIN_MAX_FAILURES = Setting(
    "HIGHNEEDS_LOGIN_MAX_FAILURES",
    5,
    Range(1, 100, "attempts"),
    "failed sign-ins from one address before an account is locked there",
)
LOGIN_LOCKOUT_SECONDS = Setting(
    "HIGHNEEDS_LOGIN_LOCKOUT_SECONDS",
    900,
    Range(60, 86_400, "seconds"),
    "how long failed sign-ins count and a lockout lasts",
)
IDLE_MINUTES = Setting(
    "HIGHNEEDS_IDLE_MINUTES",
    30,
    Range(1, 720, "minutes"),
    "sign out after this long without a request",
)
SUBMISSIONS_PER_DEVICE = Setting(
    "HIGHNEEDS_SUBMISSIONS_PER_DEVICE",
    20,
    Range(1, 10_000, "responses"),
    "online consultation responses one device may send within the window",
)
SUBMISSIONS_PER_ADDRESS = Setting(
    "HIGHNEEDS_SUBMISSIONS_PER_ADDRESS",
    20,
    Range(1, 100_000, "responses"),
    "online consultation responses one address may send within the window",
)
SUBMISSION_WINDOW_SECONDS = Setting(
    "HIGHNEEDS_SUBMISSION_WINDOW_SECONDS",
    3600,
    Range(60, 7 * 86_400, "seconds"),
    "the window the consultation response limits count over",
)
SAVES_PER_ADDRESS = Setting(
    "HIGHNEEDS_SAVES_PER_ADDRESS",
    20,
    Range(1, 100_000, "saves"),
    "consultation answers one address may save to finish later within the window",
)
RESUME_TRIES_PER_ADDRESS = Setting(
    "HIGHNEEDS_RESUME_TRIES_PER_ADDRESS",
    10,
    Range(1, 10_000, "tries"),
    "tries one address may make to come back to saved answers within the window",
)

SETTINGS: tuple[Setting, ...] = (
    MAX_UPLOAD_MB,
    MAX_RETENTION_DAYS,
    MAX_SCENARIO_PLACES,
    MAX_SIMULATIONS,
    MAX_COMPARISON_SIMULATIONS,
    LOGIN_MAX_FAILURES,
    LOGIN_LOCKOUT_SECONDS,
    IDLE_MINUTES,
    SUBMISSIONS_PER_DEVICE,
    SUBMISSIONS_PER_ADDRESS,
    SUBMISSION_WINDOW_SECONDS,
    SAVES_PER_ADDRESS,
    RESUME_TRIES_PER_ADDRESS,
)


def check_environment(environ: Mapping[str, str] | None = None) -> dict[str, float]:
    """Every limit's configured value by variable; LimitSettingError for the first bad one."""
    return {setting.env: setting.value(environ) for setting in SETTINGS}


def retention_days() -> Range:
    """The retention periods a consultation may set here (days)."""
    return Range(0, int(MAX_RETENTION_DAYS.value()), "days")


def scenario_places() -> Range:
    """Places one scenario intervention may open (or, negative, close) in a year here."""
    high = int(MAX_SCENARIO_PLACES.value())
    return Range(-high, high, "places")


# ---------------------------------------------------------------- who needs a second factor

#: Who HIGHNEEDS_REQUIRE_TOTP may name: workspace roles, and ``staff`` (the Django admin's users).
TOTP_ROLES = ("viewer", "analyst", "admin", "staff")


def roles_requiring_totp(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Who must sign in with a second factor (HIGHNEEDS_REQUIRE_TOTP): a comma-separated list
    of TOTP_ROLES, ``all``, or unset/``none`` for nobody (it stays optional)."""
    raw = (os.environ if environ is None else environ).get("HIGHNEEDS_REQUIRE_TOTP", "")
    words = {w.strip().lower() for w in raw.split(",") if w.strip()}
    if words <= {"none"}:
        return frozenset()
    if words == {"all"}:
        return frozenset(TOTP_ROLES)
    unknown = sorted(words - set(TOTP_ROLES))
    if unknown:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise LimitSettingError(
            "HIGHNEEDS_REQUIRE_TOTP (who must sign in with a second factor) must be a "
            f"comma-separated list of {', '.join(TOTP_ROLES)}, or all, or none, not “{shown}”."
        )
    return frozenset(words)
