from __future__ import annotations

from pathlib import Path

from django import forms

from highneeds import config
from highneeds.limits import MAX_SIMULATIONS
from highneeds.web.core.forms import GovukFormMixin

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".xml", ".zip")


def simulations_field(*, maximum: int, initial: int, help_text: str, widget=None):
    """The number of simulated futures a run draws (at least 100), with its error messages."""
    return forms.IntegerField(
        label="Number of simulations",
        min_value=100,
        max_value=maximum,
        initial=initial,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": "Enter the number of simulations",
            "min_value": "Run at least 100 simulations",
            "max_value": f"Run at most {maximum:,} simulations",
            "invalid": f"The number of simulations must be a whole number, like {initial}",
        },
    )


def seed_field(*, initial: int, help_text: str, widget=None):
    """The random seed that makes a run repeatable, with its error messages."""
    return forms.IntegerField(
        label="Random seed",
        min_value=0,
        initial=initial,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": "Enter a random seed",
            "min_value": "The seed must be 0 or more",
            "invalid": f"The seed must be a whole number, like {initial}",
        },
    )


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

    year = forms.IntegerField(
        label="Collection year (only for SEN2 module files m1 to m5)",
        help_text="The m1–m5 CSV files do not say which year's return they are, for example 2024.",
        required=False,
        min_value=2023,
        max_value=2100,
        error_messages={
            "invalid": "Enter the collection year as a number, for example 2024",
            "min_value": "The collection year must be 2023 or later (person-level SEN2 began then)",
            "max_value": "Enter a real collection year, for example 2024",
        },
    )

    accept_errors = forms.BooleanField(
        label="Import a SEN2 return even if it has validation errors",
        help_text="Without this, a return with errors is checked but not imported: you see its "
        "errors and can still choose to import it.",
        required=False,
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


def _estimations() -> list[tuple[str, str]]:
    from highneeds.forecast.markov import ESTIMATIONS

    described = {
        "bayes": "Bayesian: rare moves borrow strength from similar children (recommended)",
        "witan": "witan.send's rules, to compare with a witan.send forecast",
    }
    return [(name, described.get(name, name)) for name in ESTIMATIONS]


class ForecastForm(GovukFormMixin, forms.Form):
    horizon = forms.IntegerField(
        label="How many years ahead",
        min_value=1,
        max_value=10,
        initial=5,
        help_text="From the latest January census in your SEN2 returns, 1 to 10 years.",
        error_messages={
            "required": "Enter how many years ahead to forecast",
            "min_value": "Forecast at least 1 year ahead",
            "max_value": "Forecast at most 10 years ahead",
            "invalid": "Years ahead must be a whole number, like 5",
        },
    )
    simulations = simulations_field(
        maximum=int(MAX_SIMULATIONS.value()),
        initial=min(1000, int(MAX_SIMULATIONS.value())),
        help_text="More simulations give smoother intervals and take longer "
        f"(100 to {int(MAX_SIMULATIONS.value()):,}).",
    )
    estimation = forms.ChoiceField(
        label="How to estimate the rates",
        widget=forms.RadioSelect,
        initial="bayes",
        choices=_estimations,
        error_messages={"required": "Choose how to estimate the rates"},
    )
    seed = seed_field(
        initial=50, help_text="The same data, options and seed always give the same forecast."
    )

    #: Options only the child-level model (SEN2 returns) reads: the public-data model's
    #: intervals come from its own past errors, so it takes none of them.
    CHILD_LEVEL_ONLY = ("simulations", "estimation", "seed")

    def __init__(self, *args, child_level: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.child_level = child_level
        if not child_level:
            for name in self.CHILD_LEVEL_ONLY:
                del self.fields[name]
            self.fields[
                "horizon"
            ].help_text = "From the latest January in DfE's published statistics, 1 to 10 years."

    @classmethod
    def defaults(cls) -> dict:
        """The child-level options' initial values (what a forecast without them runs with)."""
        return {name: cls.base_fields[name].initial for name in cls.CHILD_LEVEL_ONLY}
