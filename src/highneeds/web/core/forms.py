"""GOV.UK styling for Django forms, so every app's forms look and behave the same.

Use ``GovukFormMixin`` in a form class; render fields with
``{% include "partials/field.html" with field=form.name %}`` and errors with
``{% include "partials/error_summary.html" with form=form %}``.
"""

from __future__ import annotations

from django import forms

# Widget class -> GOV.UK class for the input element. Radios/checkboxes are drawn by the
# partial itself (they need per-option markup), so they get no class here.
_WIDGET_CLASSES: dict[type, str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.TextInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.PasswordInput: "govuk-input",
    forms.DateInput: "govuk-input",
    forms.DateTimeInput: "govuk-input",
    forms.URLInput: "govuk-input",
}


def govuk_class(widget: forms.Widget) -> str | None:
    for widget_type in type(widget).__mro__:
        if widget_type in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[widget_type]
    return None


class GovukFormMixin:
    """Adds GOV.UK classes to widgets and an error class when a field has errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = govuk_class(field.widget)
            if css:
                field.widget.attrs["class"] = " ".join(
                    c for c in (field.widget.attrs.get("class"), css) if c
                )
            if field.help_text and css:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = govuk_class(widget)
                if css and f"{css}--error" not in widget.attrs["class"]:
                    widget.attrs["class"] += f" {css}--error"
                    described = widget.attrs.get("aria-describedby", "")
                    error_id = f"{self[name].auto_id}-error"
                    widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()
