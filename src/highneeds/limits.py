"""The range each number a person types must fall in, stated once for forms and the core.

A form shows the range in its hint and refuses numbers outside it; the core checks again, so a
value that arrives another way (a file, the command line, a stale form) cannot be stored and
then break every page that reads it (a retention period of 999999999999999 days overflows
every date sum; 10^25 places cost £10^27).
"""

from __future__ import annotations

from dataclasses import dataclass


class OutOfRangeError(ValueError):
    """A number outside its stated range; the message names the quantity and the range."""


@dataclass(frozen=True)
class Range:
    """Inclusive bounds for one kind of number, in ``unit``s."""

    low: int
    high: int
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


# Days after a consultation closes before personal details are erased: up to ten years.
RETENTION_DAYS = Range(0, 3650, "days")
# Places one scenario intervention opens (or, negative, closes) in a year. A whole LA's
# specialist sector is a few thousand places; ten thousand leaves room and stops typos.
SCENARIO_PLACES = Range(-10_000, 10_000, "places")
