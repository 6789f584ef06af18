from __future__ import annotations

from pathlib import Path

from django import forms

from highneeds import config
from highneeds.web.core.forms import GovukFormMixin

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".xml", ".zip")


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A DfE statistics release (.zip), a SEN2 return (.xml), or a table (.csv, "
        ".xlsx, .xls, .ods), smaller than "
        f"{config.max_upload_bytes() // (1024 * 1024)} MB.",
        error_messages={
            "required": "Select a file to upload",
            "empty": "The selected file is empty. Check it and upload it again",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in ACCEPTED_SUFFIXES:
            found = suffix or "a file without an extension"
            raise forms.ValidationError(
                f"The selected file must be a ZIP, XML, CSV, XLSX, XLS or ODS file, not {found}"
            )
        limit = config.max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The selected file must be smaller than {limit // (1024 * 1024)} MB"
            )
        return upload
