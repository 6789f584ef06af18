"""GOV.UK styling for Django forms, so every app's forms look and behave the same.

Use ``GovukFormMixin`` in a form class; render fields with
``{% include "partials/field.html" with field=form.name %}`` and errors with
``{% include "partials/error_summary.html" with form=form %}``.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

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


def _what(field: forms.Field, name: str) -> str:
    """The field's label as the object of a sentence: 'Opens at' -> 'opens at'."""
    label = str(field.label or name.replace("_", " ")).strip().rstrip("?:")
    label = label.replace("(optional)", "").strip()
    return label[:1].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label


def name_field_in_errors(field: forms.Field, name: str) -> None:
    """GOV.UK error messages say which field is wrong: Django's default messages ("This
    field is required.", "Enter a valid date/time.") become "Enter opens at", "Opens at
    must be a real date and time, like 9/10/2026 09:00". Messages a form wrote stay."""
    what = _what(field, name)
    choice = isinstance(field.widget, forms.RadioSelect | forms.Select | forms.CheckboxInput)
    defaults = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    if field.error_messages.get("required") == defaults.get("required"):
        field.error_messages["required"] = f"{'Select' if choice else 'Enter'} {what}"
    subject = what[:1].upper() + what[1:]
    if field.error_messages.get("invalid") == defaults.get("invalid"):
        if isinstance(field, forms.DateTimeField):
            example = "like 9/10/2026 09:00"
            field.error_messages["invalid"] = f"{subject} must be a real date and time, {example}"
        elif isinstance(field, forms.DateField):
            field.error_messages["invalid"] = f"{subject} must be a real date, like 9/10/2026"
        elif isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = f"{subject} must be a whole number"
        elif isinstance(field, forms.EmailField):
            field.error_messages["invalid"] = (
                f"Enter {what} in the correct format, like name@example.com"
            )
        elif isinstance(field, forms.URLField):
            field.error_messages["invalid"] = (
                f"Enter {what} as a full web address, like https://www.example.org"
            )
    if field.error_messages.get("max_length") == defaults.get("max_length"):
        field.error_messages["max_length"] = (
            f"{subject} must be %(limit_value)s characters or fewer (it has %(show_value)s)"
        )


class GovukFormMixin:
    """Adds GOV.UK classes to widgets and an error class when a field has errors; error
    messages name their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            name_field_in_errors(field, name)
            css = govuk_class(field.widget)
            if css:
                field.widget.attrs["class"] = " ".join(
                    c for c in (field.widget.attrs.get("class"), css) if c
                )
            if field.help_text and css:
                field.widget.attrs["aria-describedby"] = f"{self._id_of(name)}-hint"
            if isinstance(field.widget, forms.Textarea) and getattr(field, "max_length", None):
                # No maxlength attribute: a browser would cut pasted text silently. The
                # character count (partials/field.html) warns; the server says what is over.
                field.widget.attrs.pop("maxlength", None)
                field.widget.attrs["class"] += " govuk-js-character-count"
                described = field.widget.attrs.get("aria-describedby", "")
                info = f"{self._id_of(name)}-info"
                field.widget.attrs["aria-describedby"] = f"{info} {described}".strip()

    def _id_of(self, name: str) -> str:
        """The field's HTML id, as its BoundField would say, without making the BoundField:
        one made here would keep the help text and label as they are now, before a form's
        own __init__ changes them."""
        html_name = self.add_prefix(name)
        if self.auto_id and "%s" in str(self.auto_id):
            return self.auto_id % html_name
        return html_name if self.auto_id else ""

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


#: Django's widget templates that are exactly ``{% include "django/forms/widgets/input.html" %}``.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        *("text", "email", "number", "password", "url", "search", "tel", "hidden"),
        *("date", "datetime", "time", "color"),
    )
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attribute_value(value) -> str:
    """As Django's ``{{ value|stringformat:'s' }}``: text, escaped unless already safe."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attributes(attrs: dict) -> str:
    """As Django's ``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_attribute_value(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class GovukFormRenderer(DjangoTemplates):
    """Django's form renderer (``FORM_RENDERER``), with the text inputs and the text area
    written in Python: the same markup as Django's templates for them (a test compares
    the two), at a fraction of the cost. Every other widget and form template is Django's."""

    def render(self, template_name, context, request=None):
        if template_name in _INPUT_TEMPLATES:
            widget = context["widget"]
            value = widget["value"]
            shown = "" if value is None else f' value="{_attribute_value(value)}"'
            return mark_safe(  # noqa: S308 - every value escaped above
                f'<input type="{conditional_escape(widget["type"])}" '
                f'name="{conditional_escape(widget["name"])}"{shown}'
                f"{_attributes(widget['attrs'])}>"
            )
        if template_name == _TEXTAREA_TEMPLATE:
            widget = context["widget"]
            value = widget["value"]
            return mark_safe(  # noqa: S308 - every value escaped above
                f'<textarea name="{conditional_escape(widget["name"])}"'
                f"{_attributes(widget['attrs'])}>\n"
                f"{conditional_escape(value) if value else ''}</textarea>"
            )
        return super().render(template_name, context, request=request)
