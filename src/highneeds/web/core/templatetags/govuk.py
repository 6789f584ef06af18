"""Small template helpers for GOV.UK markup."""

from django import forms, template
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

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


@register.filter
def char_limit(field) -> int | None:
    """The character limit of a long-text field, for GOV.UK's character count component
    (which counts as people type and warns before the limit); None for other fields."""
    if isinstance(field.field.widget, forms.Textarea):
        return getattr(field.field, "max_length", None)
    return None


@register.filter(is_safe=True)
def govuk_paragraphs(text) -> str:
    """Plain text as GOV.UK body paragraphs (blank lines between paragraphs, line breaks
    kept). Django's ``linebreaks`` gives bare <p>s, which fall back to the browser's serif."""
    paragraphs = [p.strip() for p in str(text or "").replace("\r\n", "\n").split("\n\n")]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((mark_safe(escape(p).replace("\n", "<br>")),) for p in paragraphs if p),  # noqa: S308 - escaped first
    )
