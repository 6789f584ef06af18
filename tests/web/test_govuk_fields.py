"""Form fields drawn in Python: the GOV.UK field markup (govuk_field) and the text inputs and
text areas of the form renderer (GovukFormRenderer), which must match Django's templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.utils.safestring import mark_safe

from highneeds.web.core.forms import GovukFormMixin, GovukFormRenderer
from highneeds.web.core.templatetags.govuk import govuk_field

WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off", "spellcheck": False}),
    forms.EmailInput(attrs={"required": True, "aria-describedby": 'a "quoted" <id>'}),
    forms.NumberInput(attrs={"step": 0.5, "min": 0}),
    forms.PasswordInput(render_value=True),
    forms.URLInput(),
    forms.HiddenInput(),
    forms.DateInput(),
    forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
    forms.Textarea(attrs={"cols": 10, "disabled": True}),
]
VALUES = [None, "", "plain", 'with <b>tags</b> & "quotes"\nand a line', 12, mark_safe("<i>x</i>")]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_python_widgets_draw_what_djangos_templates_draw(widget, value):
    attrs = {"id": "id_thing", "maxlength": 200}
    django_html = widget.render("thing", value, attrs=attrs, renderer=DjangoTemplates())
    ours = widget.render("thing", value, attrs=attrs, renderer=GovukFormRenderer())
    assert ours == django_html


def test_other_widgets_still_use_djangos_templates():
    widget = forms.Select(choices=[("a", "A <one>"), ("b", "B")])
    django_html = widget.render("pick", "b", renderer=DjangoTemplates())
    assert widget.render("pick", "b", renderer=GovukFormRenderer()) == django_html
    assert "<select" in django_html and "selected>B</option>" in django_html.replace("\n", "")


class Sample(GovukFormMixin, forms.Form):
    who = forms.ChoiceField(
        label="Who are you?",
        choices=[("parent", "A parent <or carer>"), ("young", "A young person")],
        widget=forms.RadioSelect,
        help_text="Choose one",
    )
    why = forms.CharField(label="Tell us why", max_length=5000, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree", required=False, help_text="Tick it")
    name = forms.CharField(label="Your name")


def test_radios_are_a_fieldset_with_the_chosen_one_checked():
    form = Sample({"who": "young", "why": "", "name": ""})
    form.is_valid()
    html = govuk_field(form["who"], "govuk-fieldset__legend--l", True)
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_who-hint">' in html
    assert '<h1 class="govuk-fieldset__heading">Who are you?</h1>' in html
    assert 'value="young" checked>' in html and 'value="parent">' in html
    assert "A parent &lt;or carer&gt;" in html
    assert 'id="id_who_0"' in html and 'for="id_who_1"' in html


def test_errors_are_shown_and_described_and_escaped():
    form = Sample({"who": "neither", "why": "x" * 5001, "name": ""})
    assert not form.is_valid()
    who = govuk_field(form["who"])
    assert who.startswith('<div class="govuk-form-group govuk-form-group--error">')
    assert 'aria-describedby="id_who-hint id_who-error"' in who
    assert '<p id="id_who-error" class="govuk-error-message">' in who
    assert '<span class="govuk-visually-hidden">Error:</span> Select a valid choice.' in who
    assert "govuk-fieldset__legend--s" in who  # the default legend size
    name = govuk_field(form["name"], "govuk-label--m")
    assert '<label class="govuk-label govuk-label--m" for="id_name">Your name</label>' in name
    assert 'class="govuk-input govuk-input--error"' in name


def test_long_text_gets_a_character_count_and_keeps_what_was_typed():
    form = Sample({"who": "parent", "why": "Because <b>", "name": "A"})
    form.is_valid()
    html = govuk_field(form["why"])
    assert 'data-module="govuk-character-count" data-maxlength="5000"' in html
    assert html.startswith('<div class="govuk-form-group govuk-character-count"')
    assert "You can enter up to 5,000 characters" in html
    assert ">\nBecause &lt;b&gt;</textarea>" in html
    assert "maxlength" not in html.replace("data-maxlength", "")


def test_a_single_checkbox_and_a_page_heading_label():
    form = Sample(initial={"agree": True})
    agree = govuk_field(form["agree"])
    assert 'type="checkbox" value="on" checked aria-describedby="id_agree-hint">' in agree
    hint = '<div id="id_agree-hint" class="govuk-hint govuk-checkboxes__hint">Tick it</div>'
    assert hint in agree
    name = govuk_field(form["name"], "", True)
    assert '<h1 class="govuk-label-wrapper"><label class="govuk-label "' in name


def test_the_partial_draws_the_same_as_the_tag():
    form = Sample({"who": "parent", "why": "x", "name": ""})
    form.is_valid()
    template = engines["django"].from_string(
        '{% include "partials/field.html" with field=form.who '
        'label_class="govuk-fieldset__legend--m" %}'
    )
    rendered = template.render({"form": form}).strip()
    assert rendered == govuk_field(form["who"], "govuk-fieldset__legend--m")
