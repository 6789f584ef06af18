"""``{% recorded_decisions consultation as decisions %}``: the decisions recorded on the
decision packs that follow a consultation (its "we did")."""

from django import template

register = template.Library()


@register.simple_tag
def recorded_decisions(consultation):
    from highneeds.web.workspace.decide import recorded_decisions as recorded

    return list(recorded(consultation=consultation))
