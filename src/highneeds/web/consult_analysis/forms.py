from __future__ import annotations

from django import forms
from django.utils.safestring import mark_safe

from highneeds.web.core.forms import GovukFormMixin


class CodebookForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Codebook (CSV)",
        # The column names are what the file must say: shown as code, not as labels.
        help_text=mark_safe(
            "Columns: <code>theme_id</code>, <code>label</code> and <code>description</code>; "
            "optionally <code>inclusion</code>, <code>keywords</code> (separated by ;), "
            "<code>examples</code> (separated by |) and <code>question</code> (e.g. P1). Most "
            "councils already code against a frame like this."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The codebook must be a CSV file")
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("The codebook must be smaller than 1 MB")
        return upload


class ReportTextForm(GovukFormMixin, forms.Form):
    """The council's words for the report; one "we did" box per proposal."""

    report_title = forms.CharField(label="Report title", max_length=200)
    council = forms.CharField(label="Council", max_length=200, required=False)
    period = forms.CharField(
        label="When the consultation ran",
        max_length=200,
        required=False,
        help_text="For example, 1 March to 31 May 2026",
    )
    notice = forms.CharField(
        label="Notice on every page",
        max_length=200,
        required=False,
        help_text="For example, DRAFT – not for publication",
    )
    introduction = forms.CharField(label="Introduction", widget=forms.Textarea, required=False)

    def __init__(self, *args, setup, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup, self.codes = setup, [p.code for p in proposals]
        for proposal in proposals:
            self.fields[f"we_did_{proposal.code}"] = forms.CharField(
                label=f"{proposal.code}: we did",
                help_text=f"We asked: {proposal.text}",
                # Added after GovukFormMixin styled the fixed fields, so styled here.
                widget=forms.Textarea(
                    attrs={
                        "rows": 4,
                        "class": "govuk-textarea",
                        "aria-describedby": f"id_we_did_{proposal.code}-hint",
                    }
                ),
                required=False,
                max_length=5000,
            )
        if not self.is_bound:
            for name in ("report_title", "council", "period", "notice", "introduction"):
                self.initial[name] = getattr(setup, name)
            for code in self.codes:
                self.initial[f"we_did_{code}"] = setup.we_did.get(code, "")

    def save(self):
        for name in ("report_title", "council", "period", "notice", "introduction"):
            setattr(self.setup, name, self.cleaned_data[name])
        self.setup.we_did = {c: self.cleaned_data[f"we_did_{c}"] for c in self.codes}
        self.setup.save()
        return self.setup


class SurveyUploadForm(GovukFormMixin, forms.Form):
    """Step 1 of importing a survey export: the file."""

    file = forms.FileField(
        label="Survey export (CSV or Excel)",
        help_text="As your survey tool exports it: one row per response, with a column of "
        "answers in people's own words. You choose the columns next.",
    )

    def clean_file(self):
        from highneeds import config

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The survey export must be a CSV or Excel (.xlsx) file")
        if upload.size > config.max_upload_bytes():
            raise forms.ValidationError("The survey export is larger than uploads may be")
        return upload


NOT_IN_FILE = ""


class SurveyColumnsForm(GovukFormMixin, forms.Form):
    """Step 2: which column holds what, and which question the answers answer."""

    text = forms.ChoiceField(label="Answers in people's own words")
    id = forms.ChoiceField(
        label="Response id (optional)",
        required=False,
        help_text="Without one, each answer is known by its row in the file.",
    )
    group = forms.ChoiceField(
        label="Group of respondent (optional)",
        required=False,
        help_text="For example parent or carer, school staff. Other values count as Other.",
    )
    agreement = forms.ChoiceField(
        label="Agreement with the proposal (optional)",
        required=False,
        help_text="For example Agree, Disagree, Neither agree nor disagree.",
    )
    question = forms.ChoiceField(label="The proposal the answers are about")

    def __init__(self, *args, columns: list[str], proposals, **kwargs):
        super().__init__(*args, **kwargs)
        named = [(c, c) for c in columns]
        self.fields["text"].choices = named
        for name in ("id", "group", "agreement"):
            self.fields[name].choices = [(NOT_IN_FILE, "Not in the file"), *named]
        self.fields["question"].choices = [(p.code, f"{p.code}: {p.text}") for p in proposals]
        if not self.is_bound:
            self.initial["text"] = _likely(columns, ("comment", "text", "answer", "why", "view"))
            self.initial["id"] = _likely(columns, ("id",), NOT_IN_FILE)

    def chosen(self) -> dict[str, str | None]:
        return {k: self.cleaned_data[k] or None for k in ("text", "id", "group", "agreement")}


def _likely(columns: list[str], words: tuple[str, ...], default: str | None = None):
    """The first column whose name holds one of ``words`` (a guess the person can change)."""
    for word in words:
        for column in columns:
            if word in column.lower():
                return column
    return default if default is not None else (columns[0] if columns else None)
