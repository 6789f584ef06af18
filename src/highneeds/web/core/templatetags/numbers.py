"""The house number format (highneeds.formatting) as template filters:
``{% load numbers %}{{ value|count }}``, ``|money``, ``|money_exact``, ``|percent``, ``|rate``,
``|probability``, ``|filesize``, ``|figure:"Heading words"``."""

from django import template

from highneeds import formatting

register = template.Library()

register.filter("count", formatting.count)
register.filter("percent", formatting.percent)
register.filter("rate", formatting.rate)
register.filter("probability", formatting.probability)
register.filter("filesize", formatting.file_size)


@register.filter
def money(value) -> str:
    return formatting.money(value)


@register.filter
def money_exact(value) -> str:
    return formatting.money(value, exact=True)


@register.filter
def figure(value, heading: str = "") -> str:
    """A cell formatted by what its heading says it measures."""
    return formatting.figure(value, formatting.column_kind(heading))


#: Words for a job's options as its page lists them (the form's field names and codes).
OPTION_NAMES = {
    "horizon": "Years ahead",
    "simulations": "Simulations",
    "estimation": "How the rates are estimated",
    "seed": "Random seed",
    "scenarios": "Scenarios",
    "year": "Census year",
}
OPTION_VALUES = {"bayes": "Bayesian", "witan": "witan.send's rules"}


@register.filter
def option_name(name) -> str:
    text = OPTION_NAMES.get(str(name), str(name).replace("_", " "))
    return text[:1].upper() + text[1:]


@register.filter
def plain(value, name: str = "") -> str:
    """Any value as a sentence fragment: lists joined with "and", yes/no for booleans,
    numbers in the house format (a year or a seed, named by ``name``, as written), known
    codes in words."""
    if isinstance(value, list | tuple):
        words = [plain(v, name) for v in value]
        if len(words) <= 1:
            return "".join(words) or "none"
        return ", ".join(words[:-1]) + " and " + words[-1]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}" if name in ("year", "seed") else formatting.number(value)
    return OPTION_VALUES.get(str(value), str(value))


# --- dates: one format everywhere, GOV.UK style ("9 October 2026", "9 October 2026 at 2:15pm")


def _local(value):
    from django.utils import timezone

    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value)
    return value


def _dated(value, clock: str | None) -> str:
    """'9 October 2026', with ' at ' and the time when ``clock`` is 'minutes' or 'seconds'."""
    if not value:
        return ""
    value = _local(value)
    text = f"{value.day} {value:%B %Y}"
    if clock is None:
        return text
    hour, suffix = value.hour % 12 or 12, "am" if value.hour < 12 else "pm"
    if clock == "seconds":
        return f"{text} at {hour}:{value:%M:%S}{suffix}"
    minutes = "" if value.minute == 0 else f":{value:%M}"
    return f"{text} at {hour}{minutes}{suffix}"


@register.filter
def day(value) -> str:
    """'9 October 2026'."""
    return _dated(value, None)


@register.filter
def when(value) -> str:
    """'9 October 2026 at 2:15pm' (UK time)."""
    return _dated(value, "minutes")


@register.filter
def when_exact(value) -> str:
    """'9 October 2026 at 2:15:07pm': the same format to the second (audit records)."""
    return _dated(value, "seconds")
