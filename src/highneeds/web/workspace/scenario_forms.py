"""GOV.UK forms for a scenario and its interventions (one form per intervention type).

Each intervention form turns the officer's answers (percentages, pounds, "open"/"close") into
the core's intervention fields (shares 0–1, factors, signed places) with ``to_item``, and back
with ``initial_of``; the core (:func:`highneeds.finance.scenarios.with_intervention`) checks
the result again.
"""

from __future__ import annotations

from django import forms

from highneeds.finance.scenarios import designated_need_codes
from highneeds.limits import MAX_COMPARISON_SIMULATIONS, scenario_places
from highneeds.vocabulary import (
    FUNDING_CATEGORIES,
    NCY_MAX,
    NCY_MIN,
    NEEDS,
    SETTINGS,
    ncy_to_age,
)
from highneeds.web.core.forms import GovukFormMixin
from highneeds.web.workspace.forms import seed_field, simulations_field

CATEGORY_CHOICES = [(c.code, c.label) for c in FUNDING_CATEGORIES]
SETTING_CHOICES = [(s.code, s.label) for s in SETTINGS]
NEED_CHOICES = [(n.code, f"{n.label} ({n.code})") for n in NEEDS]
YEAR_HELP = "The January census year it first applies to, like 2028."


def _year(label: str, help_text: str = YEAR_HELP) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=2000,
        max_value=2100,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"The {label.lower()} must be a year, like 2028",
            "min_value": f"The {label.lower()} must be 2000 or later",
            "max_value": f"The {label.lower()} must be 2100 or earlier",
        },
    )


def _ramp() -> forms.IntegerField:
    return forms.IntegerField(
        label="Years to reach the full effect",
        min_value=1,
        max_value=10,
        initial=1,
        help_text="1 means the full effect from the first year.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": "Enter the years to reach the full effect",
            "invalid": "Years to reach the full effect must be a whole number, like 3",
            "min_value": "Years to reach the full effect must be 1 or more",
            "max_value": "Years to reach the full effect must be 10 or fewer",
        },
    )


def _percent(label: str, help_text: str, low: float = 0, high: float = 100) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=low,
        max_value=high,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
        # Django formats these messages with %: the label's "%" is escaped.
        error_messages={
            key: text.replace("%", "%%")
            for key, text in {
                "required": f"Enter the {label.lower()}",
                "invalid": f"The {label.lower()} must be a number, like 5",
                "min_value": f"The {label.lower()} must be {low:g} or more",
                "max_value": f"The {label.lower()} must be {high:g} or less",
                "max_decimal_places": f"The {label.lower()} can have at most 2 decimal places",
            }.items()
        },
    )


def _choice(label: str, choices, what: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "Choose…"), *choices],
        error_messages={
            "required": f"Choose the {what}",
            "invalid_choice": f"Choose a {what} from the list",
        },
    )


def _age(ncy: int) -> str:
    """The ages a year group's children have during the school year, like "age 11 to 12"."""
    return f"age {ncy_to_age(ncy)} to {ncy_to_age(ncy) + 1}"


#: How national curriculum years count, from the vocabulary (its range and ages).
NCY_HELP = (
    f"A national curriculum year from {NCY_MIN} to {NCY_MAX}: Reception is 0 ({_age(0)}), "
    f"nursery is -1 and younger children lower still, Year 7 is {_age(7)} and Year 14 "
    f"is {_age(14)}."
)


def _ncy(label: str, help_text: str) -> forms.IntegerField:
    what = label.lower()
    return forms.IntegerField(
        label=f"{label} (optional)",
        required=False,
        min_value=NCY_MIN,
        max_value=NCY_MAX,
        help_text=help_text,
        # No numeric keypad: it has no minus sign, and nursery years are negative.
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "spellcheck": "false"}),
        error_messages={
            "invalid": f"The {what} must be a whole number, like 7",
            "min_value": f"The {what} must be {NCY_MIN} or more",
            "max_value": f"The {what} must be {NCY_MAX} or less",
        },
    )


def _note() -> forms.CharField:
    return forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        help_text="Why, or where the figure comes from.",
        error_messages={"max_length": "The note must be 300 characters or fewer"},
    )


class ScenarioDetailsForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Scenario name",
        max_length=100,
        help_text="Short and unique in this workspace, like “New special school”.",
        error_messages={
            "required": "Enter a scenario name",
            "max_length": "The scenario name must be 100 characters or fewer",
        },
    )
    date = forms.DateField(
        label="Date",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="When the scenario was agreed or written, like 2026-03-01 or 01/03/2026.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"invalid": "The date must be a real date, like 2026-03-01"},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the scenario changes and why.",
        error_messages={"max_length": "The description must be 2,000 characters or fewer"},
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if "/" in name or "\\" in name:
            raise forms.ValidationError("The scenario name cannot contain / or \\")
        if name.lower() == "baseline":
            raise forms.ValidationError("“Baseline” is the forecast itself: choose another name")
        return name


class PlacesForm(GovukFormMixin, forms.Form):
    title = "Open or close places"
    action = forms.ChoiceField(
        label="Open or close places",
        widget=forms.RadioSelect,
        choices=[("open", "Open places"), ("close", "Close places")],
        error_messages={"required": "Choose whether to open or close places"},
    )
    funding_category = _choice("Type of provision", CATEGORY_CHOICES, "type of provision")
    from_year = _year("First year")
    places = forms.CharField(
        label="Places",
        max_length=200,
        help_text="Places from the first year, then each year after for a phased intake, "
        "separated by commas, like 50, 100, 150. The last figure holds afterwards. "
        f"Up to {scenario_places().high:,} a year.",
        error_messages={"required": "Enter the number of places"},
    )
    designated_needs = forms.MultipleChoiceField(
        label="Designated for these needs (optional)",
        required=False,
        choices=NEED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for places open to children with any need.",
        error_messages={"invalid_choice": "Choose needs from the list"},
    )
    min_ncy = _ncy("Youngest year group", f"{NCY_HELP} Leave blank for no lower limit.")
    max_ncy = _ncy(
        "Oldest year group", "Like 14 for places up to Year 14. Leave blank for no upper limit."
    )
    note = _note()

    def clean_places(self):
        parts = [p.strip() for p in self.cleaned_data["places"].replace(";", ",").split(",")]
        numbers = []
        for part in parts:
            try:
                number = int(part.replace("_", ""))
            except ValueError:
                raise forms.ValidationError(
                    f"Places must be whole numbers separated by commas, like 50, 100: “{part}” "
                    "is not a whole number"
                ) from None
            if number < 0:
                raise forms.ValidationError(
                    "Places must be 0 or more: choose “Close places” to take places away"
                )
            if number > (most := scenario_places().high):
                raise forms.ValidationError(
                    f"Places must be {most:,} or fewer a year: “{part}” is more"
                )
            numbers.append(number)
        return numbers

    def clean(self):
        data = super().clean()
        low, high = data.get("min_ncy"), data.get("max_ncy")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_ncy", "The oldest year group must be the same as or after the youngest"
            )
        if data.get("action") == "close":
            # The core takes closed places from the category's provisions in proportion and
            # ignores a designation: refuse one rather than save it to no effect.
            given = [
                n
                for n in ("designated_needs", "min_ncy", "max_ncy")
                if data.get(n) not in (None, [])
            ]
            if given:
                self.add_error(
                    given[0],
                    "Only new places can be designated for needs or year groups: leave "
                    "them blank when closing places",
                )
        return data

    def to_item(self) -> dict:
        data = self.cleaned_data
        sign = -1 if data["action"] == "close" else 1
        places = [sign * n for n in data["places"]]
        item = {
            "type": "places",
            "funding_category": data["funding_category"],
            "from_year": data["from_year"],
            "places": places if len(places) > 1 else places[0],
        }
        # Only what was given: a blank answer means "any", which the core reads as absence.
        if data.get("designated_needs"):
            # The core's format, as in the capacity register: codes joined by ";".
            ticked = set(data["designated_needs"])
            item["designated_needs"] = ";".join(n.code for n in NEEDS if n.code in ticked)
        for key in ("min_ncy", "max_ncy"):
            if data.get(key) is not None:
                item[key] = data[key]
        return _with_note(item, data)

    @staticmethod
    def initial_of(item: dict) -> dict:
        places = item["places"] if isinstance(item["places"], list) else [item["places"]]
        closing = any(p < 0 for p in places)
        return {
            "action": "close" if closing else "open",
            "funding_category": item["funding_category"],
            "from_year": item["from_year"],
            "places": ", ".join(str(abs(int(p))) for p in places),
            "designated_needs": designated_need_codes(item.get("designated_needs")),
            "min_ncy": item.get("min_ncy"),
            "max_ncy": item.get("max_ncy"),
            "note": item.get("note", ""),
        }


class _RampedShareMixin:
    """An intervention whose answers go to the core as they are, except one percentage the
    core takes as a share 0–1; ``ramp_years`` is 1 when an item leaves it out."""

    kind: str  # the core's intervention type
    item_fields: tuple[str, ...]  # the answers in the item, in the core's order
    percent_field: str  # the one answered in % (0–100), stored as a share (0–1)

    def to_item(self) -> dict:
        data = self.cleaned_data
        item = {"type": self.kind, **{name: data[name] for name in self.item_fields}}
        item[self.percent_field] = float(data[self.percent_field]) / 100
        return _with_note(item, data)

    @classmethod
    def initial_of(cls, item: dict) -> dict:
        return {
            **item,
            cls.percent_field: round(float(item[cls.percent_field]) * 100, 2),
            "ramp_years": item.get("ramp_years", 1),
        }


class MoveForm(_RampedShareMixin, GovukFormMixin, forms.Form):
    title = "Move a share of placements"
    kind = "move"
    item_fields = ("from_category", "to_setting", "share", "from_year", "ramp_years")
    percent_field = "share"
    from_category = _choice("Move placements from", CATEGORY_CHOICES, "type of provision")
    to_setting = _choice("Move them to", SETTING_CHOICES, "setting")
    share = _percent("Share moved (%)", "The share of new placements moved, 0 to 100.")
    from_year = _year("First year")
    ramp_years = _ramp()
    note = _note()


class EarlyHelpForm(_RampedShareMixin, GovukFormMixin, forms.Form):
    title = "Early help"
    kind = "early_help"
    item_fields = ("reduction", "from_year", "ramp_years")
    percent_field = "reduction"
    reduction = _percent("Fewer new plans (%)", "How many fewer plans at full effect, 0 to 100.")
    from_year = _year("First year")
    ramp_years = _ramp()
    note = _note()


class UnitCostForm(GovukFormMixin, forms.Form):
    title = "Change a unit cost"
    funding_category = _choice("Type of provision", CATEGORY_CHOICES, "type of provision")
    change = _percent(
        "Change in unit cost (%)",
        "Up or down, like 15 for a 15% rise or -5 for a 5% cut (−100 to 1,000).",
        low=-100,
        high=1000,
    )
    from_year = _year("First year")
    note = _note()

    def to_item(self) -> dict:
        data = self.cleaned_data
        item = {
            "type": "unit_cost",
            "funding_category": data["funding_category"],
            "factor": round(1 + float(data["change"]) / 100, 6),
            "from_year": data["from_year"],
        }
        return _with_note(item, data)

    @staticmethod
    def initial_of(item: dict) -> dict:
        return {**item, "change": round((float(item["factor"]) - 1) * 100, 2)}


class CapitalForm(GovukFormMixin, forms.Form):
    title = "One-off capital cost"
    year = _year("Year", "The year the money is spent, like 2027.")
    amount_gbp = forms.DecimalField(
        label="Amount (£)",
        min_value=0,
        max_value=10**10,
        decimal_places=2,
        help_text="In pounds, like 12000000.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={
            "required": "Enter the amount in pounds",
            "invalid": "The amount must be a number of pounds, like 12000000",
            "min_value": "The amount must be 0 or more",
            "max_value": "The amount must be £10,000,000,000 or less",
            "max_decimal_places": "The amount can have at most 2 decimal places (pence)",
        },
    )
    note = _note()

    def to_item(self) -> dict:
        data = self.cleaned_data
        amount = float(data["amount_gbp"])
        item = {
            "type": "capital",
            "year": data["year"],
            "amount_gbp": int(amount) if amount.is_integer() else amount,
        }
        return _with_note(item, data)

    @staticmethod
    def initial_of(item: dict) -> dict:
        return dict(item)


def _with_note(item: dict, data: dict) -> dict:
    if data.get("note"):
        item["note"] = data["note"].strip()
    return item


#: Intervention type (the core's name) -> its form.
INTERVENTION_FORMS: dict[str, type[forms.Form]] = {
    "places": PlacesForm,
    "move": MoveForm,
    "early_help": EarlyHelpForm,
    "unit_cost": UnitCostForm,
    "capital": CapitalForm,
}


_NUMERIC = forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"})


class CompareForm(GovukFormMixin, forms.Form):
    scenarios = forms.MultipleChoiceField(
        label="Scenarios to compare with the baseline",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one scenario to compare",
            "invalid_choice": "Choose scenarios from the list",
        },
    )
    simulations = simulations_field(
        maximum=int(MAX_COMPARISON_SIMULATIONS.value()),
        initial=500,
        help_text="Every scenario uses the same simulated futures as the baseline "
        f"(100 to {int(MAX_COMPARISON_SIMULATIONS.value()):,}).",
        widget=_NUMERIC,
    )
    seed = seed_field(
        initial=1,
        help_text="The same options and seed always give the same comparison.",
        widget=_NUMERIC,
    )

    def __init__(self, *args, names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].choices = [(n, n) for n in names]


class SufficiencyForm(GovukFormMixin, forms.Form):
    simulations = CompareForm.base_fields["simulations"]
    seed = CompareForm.base_fields["seed"]


def _designation(item: dict) -> str:
    """Who new places are for, like ", for ASD, SLD, years 7–14"; "" when open to all."""
    parts = []
    needs = designated_need_codes(item.get("designated_needs"))
    if needs:
        parts.append("for " + ", ".join(needs))
    low, high = item.get("min_ncy"), item.get("max_ncy")
    if low is not None and high is not None:
        dash = "–" if int(low) >= 0 else " to "  # "years -2–0" would read as a subtraction
        parts.append(f"years {int(low)}{dash}{int(high)}")
    elif low is not None:
        parts.append(f"year {int(low)} and above")
    elif high is not None:
        parts.append(f"up to year {int(high)}")
    return "".join(f", {part}" for part in parts)


def describe_intervention(item: dict) -> dict:
    """(what, the intervention in a sentence) for the scenario's page."""
    from highneeds.vocabulary import FUNDING_CATEGORY_BY_CODE, SETTING_BY_CODE

    def category(code):
        found = FUNDING_CATEGORY_BY_CODE.get(code)
        return found.label.lower() if found else code

    kind = item["type"]
    if kind == "places":
        places = item["places"] if isinstance(item["places"], list) else [item["places"]]
        verb = "Close" if any(p < 0 for p in places) else "Open"
        counts = ", then ".join(f"{abs(int(p)):,}" for p in places)
        where = category(item["funding_category"])
        text = f"{verb} {counts} places in {where} from {item['from_year']}"
        text += _designation(item)
    elif kind == "move":
        setting = SETTING_BY_CODE.get(item["to_setting"])
        text = (
            f"Move {float(item['share']):.0%} of new placements from "
            f"{category(item['from_category'])} to "
            f"{setting.label if setting else item['to_setting']} from {item['from_year']}, "
            f"over {item.get('ramp_years', 1)} year(s)"
        )
    elif kind == "early_help":
        text = (
            f"Early help: {float(item['reduction']):.1%} fewer new plans from "
            f"{item['from_year']}, reached over {item.get('ramp_years', 1)} year(s)"
        )
    elif kind == "unit_cost":
        change = float(item["factor"]) - 1
        text = (
            f"Unit cost of {category(item['funding_category'])} {change:+.1%} from "
            f"{item['from_year']}"
        )
    elif kind == "capital":
        text = f"Capital cost of £{float(item['amount_gbp']):,.0f} in {item['year']}"
    else:
        text = kind
    return {
        "title": INTERVENTION_FORMS[kind].title if kind in INTERVENTION_FORMS else kind,
        "text": text,
        "note": item.get("note", ""),
    }
