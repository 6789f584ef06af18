"""The house number format (highneeds.formatting) as template filters:
``{% load numbers %}{{ value|count }}``, ``|money``, ``|money_exact``, ``|percent``, ``|rate``,
``|probability``, ``|figure:"Heading words"``."""

from django import template

from highneeds import formatting

register = template.Library()

register.filter("count", formatting.count)
register.filter("percent", formatting.percent)
register.filter("rate", formatting.rate)
register.filter("probability", formatting.probability)


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
