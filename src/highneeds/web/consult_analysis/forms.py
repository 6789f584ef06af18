from __future__ import annotations

from django import forms

from highneeds.web.core.forms import GovukFormMixin


class CodebookForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Codebook (CSV)",
        help_text="Columns: theme, label, description, keywords (separated by ;) and optionally "
        "question (e.g. P1). Most councils already code against a frame like this.",
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
