"""Forms for the public journey and for staff. GOV.UK styling comes from GovukFormMixin."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.html import format_html

from highneeds.consult.analysis import schema
from highneeds.consult.reference import normalise_reference
from highneeds.limits import retention_days
from highneeds.web.core.forms import GovukFormMixin

from .drafts import WORD_MIN_CHARS, normalise_word
from .models import (
    AGREEMENT_CHOICES,
    RESPONDENT_TYPE_CHOICES,
    SHORT_MAX_CHARS,
    WHY_MAX_CHARS,
    Area,
    BackgroundLink,
    Consultation,
    EqualityMonitoring,
    Proposal,
)

QUESTION_FIELD = re.compile(r"^(agree|why)_(\d+)$")
HONEYPOT = "website"

_VERSION_WORDS = {
    "standard": {
        "respondent_type": "Are you responding as",
        "area": "Which area do you live in? (optional)",
        "organisation": "If you are responding for an organisation, its name (optional)",
        "email": "Email address (optional)",
        "email_hint": "Only if you would like us to contact you about your response.",
    },
    "easy_read": {
        "respondent_type": "Who are you?",
        "area": "Where do you live? You do not have to tell us.",
        "organisation": "Are you from a group? Write its name. You do not have to.",
        "email": "Your email. You do not have to tell us.",
        "email_hint": "We will only use it to talk to you about your answers.",
    },
    "young_person": {
        "respondent_type": "Who are you?",
        "area": "Where do you live? You can skip this.",
        "organisation": "Are you answering for a group? Write its name. You can skip this.",
        "email": "Your email address. You can skip this.",
        "email_hint": "Only if you want us to get back to you about your answers.",
    },
}


#: Easy read asks one short question with three answers, each shown with a face. They are
#: answers of the standard scale ("not sure" is "don't know"), so easy-read answers are
#: analysed with the rest.
EASY_READ_QUESTION = "Do you agree?"
EASY_READ_WHY = "Tell us why. You do not have to."
EASY_READ_CHOICES = [("agree", "Agree"), ("dont_know", "Not sure"), ("disagree", "Disagree")]
EASY_READ_FACES = {
    "agree": "face-agree.svg",
    "dont_know": "face-unsure.svg",
    "disagree": "face-disagree.svg",
}


#: The young-person version asks in its own voice: "you", everyday words, the same five-point
#: scale (and "don't know") in words a teenager would use, so answers are analysed with the rest.
YOUNG_PERSON_QUESTION = "What do you think of this idea?"
YOUNG_PERSON_WHY = "Tell us why. You can skip this."
YOUNG_PERSON_CHOICES = [
    ("strongly_agree", "I really like it"),
    ("agree", "I like it"),
    ("neither", "I do not mind either way"),
    ("disagree", "I do not like it"),
    ("strongly_disagree", "I really do not like it"),
    ("dont_know", "I do not know"),
]


def agreement_words(version: str) -> dict[str, str]:
    """Each agreement answer as the version's respondents were shown it."""
    if version == "easy_read":
        return dict(EASY_READ_CHOICES)
    if version == "young_person":
        return dict(YOUNG_PERSON_CHOICES)
    return dict(AGREEMENT_CHOICES)


def _too_long(label: str, limit: int) -> dict[str, str]:
    return {"max_length": f"{label} must be {limit:,} characters or fewer"}


class HoneypotMixin(forms.Form):
    """A field people never see or reach; automated form fillers tend to fill it in."""

    website = forms.CharField(required=False, label="Leave this box empty", max_length=200)

    def clean_website(self):
        if self.cleaned_data.get(HONEYPOT):
            raise ValidationError("Leave the 'Leave this box empty' box empty")
        return ""


class AboutYouForm(GovukFormMixin, HoneypotMixin, forms.Form):
    respondent_type = forms.ChoiceField(
        choices=RESPONDENT_TYPE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are responding as"},
    )
    area_of_residence = forms.CharField(
        required=False,
        max_length=SHORT_MAX_CHARS,
        error_messages=_too_long("Area", SHORT_MAX_CHARS),
    )
    organisation_name = forms.CharField(
        required=False,
        max_length=SHORT_MAX_CHARS,
        error_messages=_too_long("Organisation name", SHORT_MAX_CHARS),
    )
    contact_email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )

    def __init__(self, *args, consultation: Consultation, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        words = _VERSION_WORDS[version]
        self.fields["respondent_type"].label = words["respondent_type"]
        self.fields["organisation_name"].label = words["organisation"]
        self.fields["contact_email"].label = words["email"]
        self.fields["contact_email"].help_text = words["email_hint"]
        self.fields["contact_email"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )
        if consultation.asks_area_of_residence:
            self.fields["area_of_residence"].label = words["area"]
            areas = consultation.residence_area_list()
            if areas:
                self.fields["area_of_residence"] = forms.ChoiceField(
                    label=words["area"],
                    required=False,
                    widget=forms.RadioSelect,
                    choices=[(a, a) for a in areas] + [("Elsewhere", "Somewhere else")],
                )
        else:
            del self.fields["area_of_residence"]
        self.fields[HONEYPOT].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})


def _for_proposal(question: str, code: str):
    """The question, plus (for screen readers) which proposal it is about: a page can ask the
    same question of several proposals."""
    return format_html(
        '{}<span class="govuk-visually-hidden"> (proposal {})</span>', question, code
    )


class AreaAnswersForm(GovukFormMixin, forms.Form):
    """The proposals of one area: agreement and "tell us why" for each. All optional."""

    def __init__(self, *args, area: Area, version: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.proposals = list(area.proposals.all())
        question, why_question = {
            "easy_read": (EASY_READ_QUESTION, EASY_READ_WHY),
            "young_person": (YOUNG_PERSON_QUESTION, YOUNG_PERSON_WHY),
        }.get(version, (None, None))
        choices = list(agreement_words(version).items())
        for proposal in self.proposals:
            self.fields[f"agree_{proposal.pk}"] = forms.ChoiceField(
                label=_for_proposal(question or proposal.agreement_question, proposal.code),
                required=False,
                widget=forms.RadioSelect,
                choices=choices,
            )
            self.fields[f"why_{proposal.pk}"] = forms.CharField(
                label=_for_proposal(why_question or proposal.why_question, proposal.code),
                required=False,
                max_length=WHY_MAX_CHARS,
                # Styled here: the mixin only styles fields that exist when the form is built.
                widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
                strip=True,
                error_messages=_too_long(
                    f"Your answer about proposal {proposal.code}", WHY_MAX_CHARS
                ),
            )
        self.version = version

    def items(self):
        """(proposal, its wording in this version, agreement field, why field) for the template."""
        for proposal in self.proposals:
            yield (
                proposal,
                proposal.text_for(self.version),
                self[f"agree_{proposal.pk}"],
                self[f"why_{proposal.pk}"],
            )


class SaveForm(GovukFormMixin, forms.Form):
    """Save and come back later: by an emailed link, or by a reference code and a word."""

    how = forms.ChoiceField(
        label="How do you want to come back to your answers?",
        choices=[("email", "Email me a link"), ("code", "Give me a reference code")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you want to come back to your answers"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="We only use it to send the link. We do not keep it.",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    word = forms.CharField(
        label="Choose a memorable word",
        required=False,
        max_length=100,
        help_text=f"At least {WORD_MIN_CHARS} letters. You need it with the code to come back.",
        error_messages=_too_long("Your memorable word", 100),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["word"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self):
        data = super().clean()
        how = data.get("how")
        if how == "email" and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter your email address")
        if how == "code" and len(normalise_word(data.get("word") or "")) < WORD_MIN_CHARS:
            self.add_error(
                "word", f"Enter a memorable word of at least {WORD_MIN_CHARS} characters"
            )
        return data


class ResumeForm(GovukFormMixin, forms.Form):
    """Come back with the reference code shown when the answers were saved."""

    reference = forms.CharField(
        label="Reference code",
        max_length=20,
        help_text="For example K7M-QX9-PDR.",
        error_messages={"required": "Enter your reference code"},
    )
    word = forms.CharField(
        label="Memorable word",
        max_length=100,
        error_messages={"required": "Enter your memorable word"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(
            {
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "govuk-input govuk-input--width-10",
            }
        )
        self.fields["word"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if reference is None:
            raise ValidationError(
                "Enter the reference code as it was shown, like K7M-QX9-PDR (check for typos)"
            )
        return reference


def unexpected_question_fields(posted_keys, form: forms.Form) -> list[str]:
    """Posted question fields the form did not offer: a sign the page was tampered with."""
    return [k for k in posted_keys if QUESTION_FIELD.match(k) and k not in form.fields]


class EqualityForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = EqualityMonitoring
        fields = ["age_band", "disabled", "ethnic_group"]
        widgets = {name: forms.RadioSelect for name in fields}
        labels = {"age_band": "What is your age?", "ethnic_group": "What is your ethnic group?"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.choices = [c for c in field.choices if c[0]]


# ---------------------------------------------------------------- staff


class ConsultationForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "title",
            "slug",
            "summary",
            "background",
            "easy_read_summary",
            "young_person_summary",
            "offers_easy_read",
            "offers_young_person",
            "asks_area_of_residence",
            "residence_areas",
            "asks_equality",
            "privacy_notice",
            "contact",
            "opens_at",
            "closes_at",
            "retention_days",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S",
            ]
        # The installation may allow less than the ceiling the database holds to.
        allowed = retention_days()
        retention = self.fields["retention_days"]
        retention.max_value = allowed.high
        retention.validators.append(MaxValueValidator(allowed.high, f"Enter {allowed.describe()}"))
        retention.widget.attrs["max"] = allowed.high
        retention.help_text = (
            f"Days after closing before personal details are erased, {allowed.describe()}."
        )
        if locked:
            # The web address and the versions on offer are part of the answers' meaning now.
            for name in (
                "slug",
                "offers_easy_read",
                "offers_young_person",
                "asks_area_of_residence",
                "asks_equality",
                "opens_at",
            ):
                self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The closing time must be after the opening time")
        return data


class BackgroundLinkForm(GovukFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    url = forms.URLField(
        label="Web address",
        max_length=500,
        assume_scheme="https",
        help_text="For example https://www.example.gov.uk/high-needs-review.pdf",
    )

    def instance(self) -> BackgroundLink:
        """An unsaved link with the form's values."""
        return BackgroundLink(title=self.cleaned_data["title"], url=self.cleaned_data["url"])


class AreaForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Area
        fields = ["title", "introduction", "easy_read_introduction", "young_person_introduction"]


class ProposalForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = [
            "code",
            "text",
            "easy_read_text",
            "young_person_text",
            "agreement_question",
            "why_question",
        ]

    def __init__(self, *args, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if locked:
            self.fields["code"].disabled = True


class StaffResponseForm(GovukFormMixin, forms.Form):
    """A paper, email or event response typed in by staff: source plus every question."""

    source = forms.ChoiceField(
        choices=[c for c in schema.SOURCES.items() if c[0] != "online"],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the response came in"},
    )
    source_note = forms.CharField(
        label="Where it came from (optional)",
        required=False,
        max_length=SHORT_MAX_CHARS,
        help_text="For example the event name or the letter's date. No names.",
    )
    received_on = forms.DateField(
        label="Date received",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date the response was received",
            "invalid": "Enter the date received as a real date",
        },
    )
    version = forms.ChoiceField(choices=[], widget=forms.RadioSelect, initial="standard")

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [(v, schema.VERSIONS[v]) for v in consultation.versions()]
        self.about = AboutYouForm(*args, consultation=consultation, version="standard", **kwargs)
        self.areas = [
            AreaAnswersForm(*args, area=area, version="standard", **kwargs)
            for area in consultation.areas.prefetch_related("proposals")
        ]
        del self.about.fields[HONEYPOT]

    def is_valid(self):
        return all([super().is_valid(), self.about.is_valid(), *(a.is_valid() for a in self.areas)])

    @property
    def all_forms(self):
        return [self, self.about, *self.areas]


class RedactForm(GovukFormMixin, forms.Form):
    published_text = forms.CharField(
        label="Wording that may be quoted",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=WHY_MAX_CHARS,
        required=False,
        help_text="Remove names, contact details and anything else that identifies someone.",
    )


class EraseForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Reference number",
        max_length=20,
        help_text="As on the respondent's confirmation page, for example K7M-QX9-PDR.",
        error_messages={"required": "Enter the reference number"},
    )
    confirm = forms.BooleanField(
        label="I have checked this request comes from the person who responded",
        error_messages={"required": "Confirm you have checked the request"},
    )

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if reference is None:
            raise ValidationError("Enter a reference number like K7M-QX9-PDR (check for typos)")
        return reference


class DuplicateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("duplicate", "Is a duplicate"),
            ("not_duplicate", "Not a duplicate"),
        ]
    )
