"""Small template helpers for GOV.UK markup."""

from django import forms, template

register = template.Library()


@register.filter
def widget_kind(field) -> str:
    """'radios', 'checkboxes', 'checkbox' or 'input' — which GOV.UK pattern draws the field."""
    widget = field.field.widget
    # CheckboxSelectMultiple is a subclass of RadioSelect: ask about it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def first_error_id(form) -> str:
    """The id to link to for a form's first field error ('' when only non-field errors)."""
    for name in form.errors:
        if name in form.fields:
            return form[name].id_for_label or form[name].auto_id
    return ""
