"""Small template helpers for GOV.UK markup."""

from django import forms, template
from django.utils.html import conditional_escape, escape, format_html_join
from django.utils.safestring import mark_safe

from highneeds import formatting

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


def _errors_html(field, auto_id: str) -> str:
    """The field's error messages in a GOV.UK error message paragraph ('' when none)."""
    errors = field.errors
    if not errors:
        return ""
    messages = "<br>".join(
        f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(e)}' for e in errors
    )
    return f'<p id="{auto_id}-error" class="govuk-error-message">{messages}</p>'


@register.simple_tag
def govuk_field(field, label_class="", is_page_heading=False) -> str:
    """One form field in GOV.UK style (label or legend, hint, errors, the input, a character
    count for long text): ``{% govuk_field form.name label_class="govuk-label--m" %}``.
    ``is_page_heading`` makes the label or legend the page's h1.

    Written in Python rather than as an included template because every question page
    draws several fields and the template cost most of the page's CPU
    (``benchmarks/consultation_pages.py``); ``partials/field.html`` calls this."""
    kind = widget_kind(field)
    limit = char_limit(field)
    auto_id = escape(field.auto_id)
    help_text = field.help_text
    has_errors = bool(field.errors)
    label = conditional_escape(field.label)
    group = "govuk-form-group"
    if has_errors:
        group += " govuk-form-group--error"
    if limit:
        group += (
            f' govuk-character-count" data-module="govuk-character-count" data-maxlength="{limit}'
        )
    parts = [f'<div class="{group}">']
    if kind in ("radios", "checkboxes"):
        described = ""
        if help_text or has_errors:
            ids = (f"{auto_id}-hint" if help_text else "") + (
                f" {auto_id}-error" if has_errors else ""
            )
            described = f' aria-describedby="{ids}"'
        legend_class = conditional_escape(label_class or "govuk-fieldset__legend--s")
        heading = f'<h1 class="govuk-fieldset__heading">{label}</h1>' if is_page_heading else label
        parts.append(
            f'<fieldset class="govuk-fieldset"{described}>'
            f'<legend class="govuk-fieldset__legend {legend_class}">{heading}</legend>'
        )
        if help_text:
            parts.append(
                f'<div id="{auto_id}-hint" class="govuk-hint">{conditional_escape(help_text)}</div>'
            )
        parts.append(_errors_html(field, auto_id))
        parts.append(f'<div class="govuk-{kind}" data-module="govuk-{kind}">')
        name = escape(field.html_name)
        input_type = "radio" if kind == "radios" else "checkbox"
        for number, option in enumerate(field):
            data = option.data
            checked = " checked" if data["selected"] else ""
            parts.append(
                f'<div class="govuk-{kind}__item">'
                f'<input class="govuk-{kind}__input" id="{auto_id}_{number}" name="{name}" '
                f'type="{input_type}" value="{conditional_escape(data["value"])}"{checked}>'
                f'<label class="govuk-label govuk-{kind}__label" for="{auto_id}_{number}">'
                f"{conditional_escape(option.choice_label)}</label></div>"
            )
        parts.append("</div></fieldset>")
    elif kind == "checkbox":
        parts.append(_errors_html(field, auto_id))
        checked = " checked" if field.value() else ""
        described = f' aria-describedby="{auto_id}-hint"' if help_text else ""
        parts.append(
            '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
            '<div class="govuk-checkboxes__item">'
            f'<input class="govuk-checkboxes__input" id="{auto_id}" '
            f'name="{escape(field.html_name)}" type="checkbox" value="on"{checked}{described}>'
            f'<label class="govuk-label govuk-checkboxes__label" for="{auto_id}">{label}</label>'
        )
        if help_text:
            parts.append(
                f'<div id="{auto_id}-hint" class="govuk-hint govuk-checkboxes__hint">'
                f"{conditional_escape(help_text)}</div>"
            )
        parts.append("</div></div>")
    else:
        tag = (
            f'<label class="govuk-label {conditional_escape(label_class)}" '
            f'for="{escape(field.id_for_label)}">{label}</label>'
        )
        parts.append(f'<h1 class="govuk-label-wrapper">{tag}</h1>' if is_page_heading else tag)
        if help_text:
            parts.append(
                f'<div id="{auto_id}-hint" class="govuk-hint">{conditional_escape(help_text)}</div>'
            )
        parts.append(_errors_html(field, auto_id))
        parts.append(str(field))
        if limit:
            parts.append(
                f'<div id="{auto_id}-info" class="govuk-hint govuk-character-count__message">'
                f"You can enter up to {formatting.count(limit)} characters</div>"
            )
    parts.append("</div>")
    return mark_safe("\n".join(p for p in parts if p))  # noqa: S308 - every value escaped above
