"""Forms of the decide-and-track pages: uploads of a strategy file and a places register, the
IPS's capital costs, a decision pack's sections and its recorded decision."""

from __future__ import annotations

from pathlib import Path

from django import forms

from highneeds import config
from highneeds.strategy.definition import MAX_COST_PER_PLACE
from highneeds.strategy.ips import CAPITAL_COST_PER_PLACE
from highneeds.strategy.pack import RATINGS
from highneeds.strategy.places import SPECIALIST_CATEGORIES
from highneeds.web.core.forms import GovukFormMixin

from .models import DecisionPack

#: Longest strategy file or places register the workspace reads (they are small tables).
MAX_FILE_BYTES = min(config.max_upload_bytes(), 5 * 1024 * 1024)


def _file_field(label: str, help_text: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=help_text,
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty. Check it and upload it again",
        },
    )


class _FileForm(GovukFormMixin, forms.Form):
    SUFFIXES: tuple[str, ...] = ()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in self.SUFFIXES:
            raise forms.ValidationError(
                "The selected file must be " + " or ".join(s.upper()[1:] for s in self.SUFFIXES)
            )
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB"
            )
        return upload


class StrategyUploadForm(_FileForm):
    SUFFIXES = (".toml",)
    file = _file_field(
        "Upload a strategy file",
        "A TOML file: title, period, priorities with workstreams, and KPIs with their "
        "baselines, targets and milestones. Download the example below to start from.",
    )


class PlacesUploadForm(_FileForm):
    SUFFIXES = (".csv", ".xlsx")
    file = _file_field(
        "Upload a places register",
        "A CSV or XLSX file with the columns Scheme, Type of place, Designated needs, Phase, "
        "Status, Academic year, Places and Source. It replaces the register kept now.",
    )


class CapitalCostsForm(GovukFormMixin, forms.Form):
    """Capital cost of a new place by type of place, for one IPS. Blank keeps the strategy
    file's cost, else highneeds' example assumption."""

    def __init__(self, *args, defaults: dict[str, float], set_by_la: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in SPECIALIST_CATEGORIES.items():
            default = defaults.get(code, CAPITAL_COST_PER_PLACE.get(code, 0))
            basis = (
                "the LA's strategy file"
                if code in set_by_la
                else "an example assumption, not a published figure"
            )
            self.fields[code] = forms.DecimalField(
                label=f"{label}: capital cost of one new place (£)",
                required=False,
                min_value=0,
                max_value=MAX_COST_PER_PLACE,
                decimal_places=0,
                help_text=f"Leave blank to use £{default:,.0f} ({basis}).",
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "class": "govuk-input--width-10"}
                ),
                error_messages={
                    "invalid": "Enter the cost in whole pounds, like 85000",
                    "min_value": "The cost cannot be less than £0",
                    "max_value": f"The cost must be £{MAX_COST_PER_PLACE:,} or less",
                    "max_decimal_places": "Enter the cost in whole pounds, like 85000",
                },
            )

    def costs(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.cleaned_data.items() if v is not None}


DATE_HELP = "For example, 18/9/2024"


def _date_field(label: str, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=DATE_HELP,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a real date, like 18/9/2024",
        },
    )


class PackDetailsForm(GovukFormMixin, forms.ModelForm):
    meeting_date = _date_field("Date of the meeting", required=False)

    class Meta:
        model = DecisionPack
        fields = ["title", "meeting", "meeting_date", "report_of"]
        labels = {
            "title": "Title of the report",
            "meeting": "Meeting",
            "report_of": "Report of",
        }
        help_texts = {"report_of": "For example, Cabinet Member for Children and Families."}


def _words_form(field: str, label: str, help_text: str, required: bool = True):
    class Form(GovukFormMixin, forms.ModelForm):
        class Meta:
            model = DecisionPack
            fields = [field]
            labels = {field: label}
            help_texts = {field: help_text}
            widgets = {field: forms.Textarea(attrs={"rows": 8})}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields[field].required = required
            if required:
                self.fields[field].error_messages["required"] = f"Enter the {label.lower()}"

    return Form


class PackConsultationForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = DecisionPack
        fields = ["consultation", "consultation_text"]
        labels = {
            "consultation": "Consultation this report follows",
            "consultation_text": "Consultation outcome",
        }
        help_texts = {
            "consultation": "The decision, once recorded, is shown on its public page as what "
            "we did; its respondent profile goes in the equality section.",
            "consultation_text": "What people said and how it changed the proposals.",
        }
        widgets = {"consultation_text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        field.queryset = workspace.consultations.all()
        field.empty_label = "None"
        field.required = False


class PackOptionsForm(GovukFormMixin, forms.Form):
    scenarios = forms.MultipleChoiceField(
        label="Options considered",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Saved scenarios to compare with the baseline, on the same simulated futures.",
    )

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].choices = [(n, n) for n in names]


RISK_ROWS = 4


def _risk_fields() -> dict[str, forms.Field]:
    fields = {}
    for number in range(1, RISK_ROWS + 1):
        fields[f"risk_{number}"] = forms.CharField(
            label=f"Risk {number}", required=False, max_length=500
        )
        fields[f"mitigation_{number}"] = forms.CharField(
            label=f"How risk {number} is managed",
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        fields[f"rating_{number}"] = forms.ChoiceField(
            label=f"Rating of risk {number}",
            choices=[(r, r) for r in RATINGS],
            initial="Medium",
            required=False,
        )
    return fields


class PackRisksForm(GovukFormMixin, forms.Form):
    """Up to :data:`RISK_ROWS` risks, each with its mitigation and rating."""

    locals().update(_risk_fields())

    @classmethod
    def initial_of(cls, risks: list[dict]) -> dict:
        initial = {}
        for number, risk in enumerate(risks[:RISK_ROWS], start=1):
            initial[f"risk_{number}"] = risk.get("risk", "")
            initial[f"mitigation_{number}"] = risk.get("mitigation", "")
            initial[f"rating_{number}"] = risk.get("rating", "Medium")
        return initial

    def clean(self):
        data = super().clean()
        for number in range(1, RISK_ROWS + 1):
            risk, mitigation = data.get(f"risk_{number}"), data.get(f"mitigation_{number}")
            if risk and not mitigation:
                self.add_error(f"mitigation_{number}", f"Enter how risk {number} is managed")
            if mitigation and not risk:
                self.add_error(f"risk_{number}", f"Enter risk {number}")
        return data

    def risks(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "risk": data[f"risk_{n}"],
                "mitigation": data[f"mitigation_{n}"],
                "rating": data.get(f"rating_{n}") or "Medium",
            }
            for n in range(1, RISK_ROWS + 1)
            if data.get(f"risk_{n}")
        ]


#: A pack's sections in committee order: slug -> (heading, form class). Each is a page.
PACK_SECTIONS = {
    "details": ("Title and meeting", PackDetailsForm),
    "purpose": (
        "Purpose of the report",
        _words_form("purpose", "Purpose of the report", "What the report asks the meeting."),
    ),
    "recommendations": (
        "Recommendations",
        _words_form(
            "recommendations", "Recommendations", "One recommendation a line; they are numbered."
        ),
    ),
    "background": (
        "Background",
        _words_form("background", "Background", "How the proposals came about."),
    ),
    "consultation": ("Consultation outcome", PackConsultationForm),
    "options": ("Options considered", PackOptionsForm),
    "financial": (
        "Financial implications",
        _words_form(
            "financial",
            "Financial implications",
            "highneeds adds the DSG position and the options' costs.",
            required=False,
        ),
    ),
    "legal": (
        "Legal implications",
        _words_form("legal", "Legal implications", "The duties the decision rests on.", False),
    ),
    "equality": (
        "Equality implications",
        _words_form(
            "equality",
            "Equality implications",
            "highneeds adds the caseload by sex, age and need and the consultation's "
            "respondent profile.",
            required=False,
        ),
    ),
    "risks": ("Risks", PackRisksForm),
}


class DecisionForm(GovukFormMixin, forms.Form):
    date = _date_field("Date of the decision", required=True)
    decision = forms.CharField(
        label="Decision",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="As the minutes record it. It is published on the consultation's page.",
        error_messages={"required": "Enter the decision"},
    )
    scrutiny_comments = forms.CharField(
        label="Scrutiny comments (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
