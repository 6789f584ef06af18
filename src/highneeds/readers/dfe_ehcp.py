"""Read a DfE "Education, health and care plans" release into one tidy long table.

Two layouts are published:

* **LA-aggregate layout** (reporting years up to 2022, SEN2 collected as LA totals):
  ``sen2_estab_caseload.csv``, ``sen2_age_caseload.csv``, ``sen2_estab_new_plans.csv``,
  ``sen2_age_new_plans.csv``, ``sen2_mi.csv``, ``sen2_wbp_residential_dmo.csv``.
* **Person-level layout** (reporting years 2023 on): ``caseload.csv``, ``newplans.csv``,
  ``sen_needs_all_plans.csv``, ``sen_need_newplans.csv``, ``requests.csv``, ``assessments.csv``,
  ``timeliness_20_week.csv``, ``ceased_plans.csv``, ``annual_reviews.csv``,
  ``personal_budgets.csv``, ``residential_settings.csv``, ``work_based_placements.csv``, each with
  a ``breakdown_topic``/``breakdown`` pair (age, sex, ethnicity, type of placement…).

:func:`read_release` detects the layout from the file names, maps every published column to a
measure (docs/import.md lists them all with their source columns) and every label to the
vocabulary, and returns :data:`~highneeds.readers.dfe_schema.TIDY_COLUMNS`. It is vectorised:
one melt per file, labels resolved once per distinct label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from highneeds import vocabulary
from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.readers.dfe_files import ReleaseSource, read_csv, to_values
from highneeds.readers.dfe_schema import TIDY_COLUMNS

TOTAL = "total"
#: Columns that identify one published figure within a release.
KEY = ["area_code", "year", "measure", "setting", "dimension", "category"]

GEO_COLUMNS = [
    "time_period",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
]
_GEOGRAPHIC_LEVELS = {"National": "national", "Regional": "regional", "Local authority": "la"}


@dataclass(frozen=True)
class Figure:
    """Where one published column lands: its measure and any breakdown the column itself carries."""

    measure: str
    setting: str = TOTAL
    dimension: str = TOTAL
    category: str = TOTAL


# --------------------------------------------------------------------------------------------
# LA-aggregate layout (reporting year 2022 and earlier)
# --------------------------------------------------------------------------------------------

_CASELOAD_2022 = {
    "Total_all": Figure("caseload"),  # statements + EHC plans: the continuous series
    "Total_ehc": Figure("caseload_ehc"),
    "Total_st": Figure("caseload_statements"),
}
_NEW_PLANS_2022 = {
    "Total_new_all": Figure("new_plans"),
    "Total_new_ehc": Figure("new_plans_ehc"),
    "Total_new_st": Figure("new_plans_statements"),
}


def _ehc_and_statement(ehc_column: str, statement_column: str | None, measure: str):
    out = {ehc_column: Figure(measure)}
    if statement_column:
        out[statement_column] = Figure(f"{measure}_statements")
    return out


_MI_2022: dict[str, Figure] = {
    "InreqEHC": Figure("requests"),
    "InreqryaEHC": Figure("requests_youth_accommodation"),
    "AssRefusedEHC_pc": Figure("requests_refused_pc"),
    "NewallEHC_AssnoneEHC_sum": Figure("assessments_decided"),
    "TotIncExcEHC": Figure("plans_issued_incl_exceptions"),
    "IncExc20weekEHC": Figure("plans_issued_20_weeks_incl_exceptions"),
    "IncExc20weekRate": Figure("timeliness_20_weeks_incl_exceptions_pc"),
    "TotNoExcEHC": Figure("plans_issued_excl_exceptions"),
    "NoExc20weekEHC": Figure("plans_issued_20_weeks_excl_exceptions"),
    "NoExc20weekRate": Figure("timeliness_20_weeks_excl_exceptions_pc"),
    "TotIncExc": Figure("statements_issued_incl_exceptions"),
    "IncExc26week": Figure("statements_issued_26_weeks_incl_exceptions"),
    "TotNoExc": Figure("statements_issued_excl_exceptions"),
    "NoExc26week": Figure("statements_issued_26_weeks_excl_exceptions"),
    "StatementstoEHC": Figure("statements_transferred_to_ehc"),
    "StatementstoNoEHC": Figure("statements_assessed_no_ehc"),
    "PersonalBudgets": Figure("personal_budgets"),
    "OrgArrangements": Figure("personal_budgets_org_arrangements"),
    "DirectPayEducation": Figure("personal_budgets_direct_payment_education"),
    "DirectPayHealth": Figure("personal_budgets_direct_payment_health"),
    "DirectPaySocialCare": Figure("personal_budgets_direct_payment_social_care"),
    "DirectPayIntegrated": Figure("personal_budgets_direct_payment_integrated"),
    "NewEHCMediation": Figure("mediations"),
    "NewEHCTribunal": Figure("mediations_followed_by_tribunal"),
    **_ehc_and_statement("NewallEHC", None, "assessments_plan_issued"),
    **_ehc_and_statement("AssnoneEHC", "Assnone", "assessments_not_issued"),
    **_ehc_and_statement("AssnodecisionEHC", "Assnodecision", "assessments_no_decision"),
    **_ehc_and_statement("AssRefusedEHC", "AssRefused", "requests_refused"),
    **_ehc_and_statement("MtosiEHC", "Mtosi", "transfers_mainstream_to_special"),
    **_ehc_and_statement("SitomEHC", "Sitom", "transfers_special_to_mainstream"),
    **_ehc_and_statement("MtoParEHC", "MtoPar", "home_educated_from_mainstream"),
    **_ehc_and_statement("SitoParEHC", "SitoPar", "home_educated_from_special"),
    "DisleaEHC": Figure("ceased_plans_transfer"),
    "DismetEHC": Figure("ceased_plans_needs_met"),
    "DisothEHC": Figure("ceased_plans_other"),
    "DisleftEHC": Figure("ceased_plans_left_school"),
    "Dislea": Figure("ceased_statements_transfer"),
    "Dismet": Figure("ceased_statements_needs_met"),
    "Disoth": Figure("ceased_statements_other"),
    "Disleft": Figure("ceased_statements_left_school"),
}
#: Percentages the LA-aggregate MI file publishes that are plain ratios of its own columns.
_MI_2022_DERIVABLE = {"NewallEHC_pc", "AssnoneEHC_pc", "NewEHCTribunal_pc"}

_RESIDENTIAL_BANDS = {
    "05": "under_5",
    "510": "5_10",
    "1115": "11_15",
    "1619": "16_19",
    "2025": "20_25",
}


def _residential_2022() -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    for weeks, measure in (
        ("38", "residential_placements_38_51_weeks"),
        ("52", "residential_placements_52_weeks"),
    ):
        for suffix, kind in (("EHC", measure), ("", f"{measure}_statements")):
            out[f"TotMres{weeks}week{suffix}"] = Figure(kind)
            for band, code in _RESIDENTIAL_BANDS.items():
                out[f"Mres{weeks}week{band}{suffix}"] = Figure(
                    kind, dimension="age_band", category=code
                )
    return out


_WBP_2022 = {
    "WorkbasedEHC": Figure("work_based_placements"),
    "MApprenEHC": Figure("work_based_placements_apprenticeship"),
    "MTrainEHC": Figure("work_based_placements_traineeship"),
    "MSuppIntEHC": Figure("work_based_placements_supported_internship"),
    **_residential_2022(),
}
#: Yes/No/Recruiting answers (designated medical/clinical officer in post), not counts.
_WBP_2022_NOT_COUNTS = {"DMO", "DCO", "DMODCOFunction"}


# --------------------------------------------------------------------------------------------
# Person-level layout (reporting year 2023 on)
# --------------------------------------------------------------------------------------------

_REQUESTS = {
    "requests_received_in_year": "requests",
    "requests_rya": "requests_youth_accommodation",
    "requests_decided_to_assess": "requests_decided_to_assess",
    "requests_decided_not_to_assess": "requests_refused",
    "requests_decision_not_made": "requests_no_decision",
    "requests_withdrawn": "requests_withdrawn",
    "request_assess_pc": "requests_decided_to_assess_pc",
    "request_not_assess_pc": "requests_refused_pc",
    "request_outstanding_pc": "requests_no_decision_pc",
    "request_withdrawn_pc": "requests_withdrawn_pc",
    "request_outcome_six_weeks": "requests_decided_within_6_weeks",
    "request_outcome_over_6_weeks": "requests_decided_after_6_weeks",
    "request_outcome_six_weeks_pc": "requests_decided_within_6_weeks_pc",
    "request_outcome_over_6_weeks_pc": "requests_decided_after_6_weeks_pc",
    "mediation_related_request": "requests_mediation",
    "tribunal_related_request": "requests_tribunal",
    "tribunal_after_mediation_request": "requests_tribunal_after_mediation",
}
_ASSESSMENTS = {
    "assess_in_year": "assessments",
    "assess_issued": "assessments_plan_issued",
    "assess_issued_pc": "assessments_plan_issued_pc",
    "assess_not_issued": "assessments_not_issued",
    "assess_not_issued_pc": "assessments_not_issued_pc",
    "assess_not_made": "assessments_no_decision",
    "assess_not_made_pc": "assessments_no_decision_pc",
    "assess_withdrawn": "assessments_withdrawn",
    "assess_withdrawn_pc": "assessments_withdrawn_pc",
    "outcome_decision_within_time": "assessments_not_issued_within_16_weeks",
    "outcome_decision_over_time": "assessments_not_issued_after_16_weeks",
    "outcome_decision_within_time_pc": "assessments_not_issued_within_16_weeks_pc",
    "outcome_decision_over_time_pc": "assessments_not_issued_after_16_weeks_pc",
    "number_assess_mediation": "assessments_mediation",
    "number_assess_tribunal": "assessments_tribunal",
    "number_asssess_mediation_tribunal": "assessments_tribunal_after_mediation",
    "number_other_mediation": "assessments_other_mediation",
    "number_other_tribunal": "assessments_other_tribunal",
    "number_other_mediation_tribunal": "assessments_other_tribunal_after_mediation",
}
_TIMELINESS = {
    "plans_issued_den": "plans_issued_incl_exceptions",
    "plans_issued_den_ex": "plans_issued_excl_exceptions",
    "plans_issued_within_20_weeks": "plans_issued_20_weeks_incl_exceptions",
    "plans_issued_20_weeks_ex": "plans_issued_20_weeks_excl_exceptions",
    "pc_plans_issued_within_20_weeks": "timeliness_20_weeks_incl_exceptions_pc",
    "PC_plans_issued_20_weeks_ex": "timeliness_20_weeks_excl_exceptions_pc",
    "plans_issued_gt20weeks_ltYear": "plans_issued_20_to_52_weeks_incl_exceptions",
    "plans_issued_gt20weeks_ltYear_ex": "plans_issued_20_to_52_weeks_excl_exceptions",
    "pc_plans_issued_gt20weeks_ltYear": "plans_issued_20_to_52_weeks_incl_exceptions_pc",
    "PC_plans_issued_gt20weeks_ltYear_ex": "plans_issued_20_to_52_weeks_excl_exceptions_pc",
    "plans_issued_gt_1_year": "plans_issued_over_52_weeks_incl_exceptions",
    "plans_issued_gt_1_year_ex": "plans_issued_over_52_weeks_excl_exceptions",
    "pc_plans_issued_gt_1_year": "plans_issued_over_52_weeks_incl_exceptions_pc",
    "PC_plans_issued_gt_1_year_ex": "plans_issued_over_52_weeks_excl_exceptions_pc",
}
_CEASED = {
    "total_ceased": "ceased_plans",
    "max_age": "ceased_plans_max_age",
    "needs_met": "ceased_plans_needs_met",
    "he": "ceased_plans_higher_education",
    "employ": "ceased_plans_employment",
    "transfer": "ceased_plans_transfer",
    "no_engage": "ceased_plans_no_longer_engaging",
    "moved_outside_eng": "ceased_plans_moved_outside_england",
    "deceased": "ceased_plans_deceased",
    # The guidance describes not_rec as "other reasons" and other as "not recorded"; we follow
    # the column names and say so in docs/import.md.
    "not_rec": "ceased_plans_not_recorded",
    "other": "ceased_plans_other",
}
_ANNUAL_REVIEWS = {
    "total_ehc_plans": "annual_review_plans",
    "review_expected": "annual_reviews_expected",
    "review_not_expected": "annual_reviews_not_expected",
    "total_review_meeting": "annual_review_meetings",
    "no_review_meeting": "annual_reviews_no_meeting",
    "review_decision_not_due": "annual_review_decisions_not_due",
    "review_decision_outstanding": "annual_review_decisions_outstanding",
    "outcome_amend": "annual_review_outcome_amend",
    "outcome_cease": "annual_review_outcome_cease",
    "outcome_maintan": "annual_review_outcome_maintain",
    "no_outcome": "annual_review_outcome_none",
    "number_decsion_4weeks": "annual_review_decisions_within_4_weeks",
    "number_decision_gt_4weeks": "annual_review_decisions_after_4_weeks",
    "pc_decsion_4weeks": "annual_review_decisions_within_4_weeks_pc",
    "pc_decision_gt_4weeks": "annual_review_decisions_after_4_weeks_pc",
}
_PERSONAL_BUDGETS = {
    "personal_budget": "personal_budgets",
    "org_arrangments": "personal_budgets_org_arrangements",
    "pb_health": "personal_budgets_health_only",
    "pb_education": "personal_budgets_education_only",
    "pb_social": "personal_budgets_social_care_only",
    "pb_integrated": "personal_budgets_integrated",
}
_RESIDENTIAL = {
    "Res_tot": "residential_placements",
    "Res_3851": "residential_placements_38_51_weeks",
    "Res_52": "residential_placements_52_weeks",
}
_WORK_BASED = {
    "open_wbp": "work_based_placements",
    "open_apprentice": "work_based_placements_apprenticeship",
    "open_trainee": "work_based_placements_traineeship",
    "open_supp_intern": "work_based_placements_supported_internship",
}

#: Placement columns of caseload.csv/newplans.csv that are published subtotals, and the setting
#: group each stands for. Every other placement column (not ``_pc``) is a setting.
PLACEMENT_SUBTOTALS = {
    "mainstream_total": "mainstream",
    "special_total": "special",
    "ap_pru_total": "ap_pru",
    "fe_total": "fe",
    "ed_elsewhere": "educated_elsewhere",
}
#: What each published subtotal adds up, in the person-level layout (from the data guidance;
#: checked against the data). Before 2023 that layout's "educated elsewhere" subtotal leaves out
#: awaiting provision and "other", so only the first four are additive there.
PLACEMENT_SUBTOTAL_PARTS = {
    "mainstream": (
        "mainstream_la_maintained",
        "mainstream_la_maintained_rp",
        "mainstream_la_maintained_unit",
        "mainstream_academy",
        "mainstream_academy_rp",
        "mainstream_academy_unit",
        "mainstream_free_school",
        "mainstream_free_school_rp",
        "mainstream_free_school_unit",
        "mainstream_independent",
    ),
    "special": (
        "special_la_maintained",
        "special_academy_free",
        "special_independent",
        "special_non_maintained",
    ),
    "ap_pru": ("ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained"),
    "fe": ("fe_general", "specialist_post16", "fe_ukrlp_provider"),
    "educated_elsewhere": (
        "elective_home_education",
        "other_arrangements_la",
        "other_arrangements_parents",
        "online_provider",
        "welsh_setting",
        "other_school",
        "other_placement",
        "neet",
        "not_in_education_notice_to_cease",
        "not_in_education_other",
        "awaiting_provision_csa_not_in_ed",
        "awaiting_provision",
        "permanently_excluded",
    ),
}
#: Rows of the person-level layout whose sum is the total number of plans (``ehcplans``).
PLACEMENT_TOTAL_PARTS = (
    *(f"group:{group}" for group in PLACEMENT_SUBTOTAL_PARTS),
    "early_years_non_maintained",
    "unknown",
)

#: breakdown_topic -> dimension. "Type of placement" goes to ``setting`` instead.
_TOPIC_DIMENSIONS = {
    "child or young persons age": "age",
    "young persons age": "age",
    "age plan ceased": "age",
    "age when plan started": "age_at_start",
    "years ehc plan in place": "years_in_place",
    "years plan held": "years_in_place",
    "ethnicity": "ethnicity",
    "sex": "sex",
    "type of placement": "setting",
}


def _placement_columns(header: list[str], total_column: str, measure: str, file: str):
    """Figures for caseload.csv/newplans.csv: the total, group subtotals and one per setting."""
    out = {total_column: Figure(measure)}
    first = header.index(total_column) + 1
    for column in header[first:]:
        if column.lower().endswith("_pc"):
            continue  # share of the row's total: plainly derivable
        if column in PLACEMENT_SUBTOTALS:
            out[column] = Figure(measure, setting=f"group:{PLACEMENT_SUBTOTALS[column]}")
        else:
            code = vocabulary.setting_code(column, file=file, row=1, column=column)
            out[column] = Figure(measure, setting=code)
    return out


def _need_columns(header: list[str], measure: str, file: str):
    """Figures for the primary-need files: one per ``number_<need>`` column."""
    out = {}
    for column in header:
        if column.startswith("number_"):
            label = column.removeprefix("number_")
            code = vocabulary.need_code(label, file=file, row=1, column=column)
            out[column] = Figure(measure, dimension="need", category=code)
    return out


#: Annual review columns named after the two calendar years a release covers
#: (review_meeting_25, review_decision_prior24…): the measure carries the four-digit year.
_ANNUAL_REVIEW_YEAR_COLUMNS = (
    (re.compile(r"review_meeting_(\d\d)"), "annual_review_meetings_20{}"),
    (re.compile(r"review_meeting_prior_(\d\d)"), "annual_review_meetings_before_20{}"),
    (re.compile(r"review_decision_?(\d\d)"), "annual_review_decisions_20{}"),
    (re.compile(r"review_decision_prior_?(\d\d)"), "annual_review_decisions_before_20{}"),
)


def _annual_review_columns(header: list[str], file: str) -> dict[str, Figure]:
    out = {column: Figure(measure) for column, measure in _ANNUAL_REVIEWS.items()}
    for column in header:
        for pattern, measure in _ANNUAL_REVIEW_YEAR_COLUMNS:
            match = pattern.fullmatch(column)
            if match:
                out[column] = Figure(measure.format(match.group(1)))
    return out


def _named(mapping: dict[str, str]) -> Callable[[list[str], str], dict[str, Figure]]:
    return lambda header, file: {column: Figure(m) for column, m in mapping.items()}


def _fixed(mapping: dict[str, Figure]) -> Callable[[list[str], str], dict[str, Figure]]:
    return lambda header, file: mapping


@dataclass(frozen=True)
class FileSpec:
    """One published file: how rows break down, what its columns are, stock or flow."""

    name: str
    breakdown: str  # "establishment" | "age_band" | "none" | "topic"
    figures: Callable[[list[str], str], dict[str, Figure]]
    #: Flows (new plans, requests… in calendar year Y) belong to January census year Y + 1.
    flow: bool
    required: bool = False
    #: Columns that must be present besides the geography and breakdown columns.
    needs: tuple[str, ...] = ()
    #: Published columns deliberately not read (documented in docs/import.md).
    ignore: frozenset[str] = frozenset()
    #: The file's ``_pc`` columns are shares of the row's own total (plainly derivable).
    shares_pc: bool = False


LAYOUT_2022 = "la_aggregate"
LAYOUT_2023 = "person_level"

LAYOUTS: dict[str, tuple[FileSpec, ...]] = {
    LAYOUT_2022: (
        FileSpec(
            "sen2_estab_caseload.csv",
            "establishment",
            _fixed(_CASELOAD_2022),
            flow=False,
            required=True,
            needs=tuple(_CASELOAD_2022),
            shares_pc=True,
        ),
        FileSpec(
            "sen2_age_caseload.csv",
            "age_band",
            _fixed(_CASELOAD_2022),
            flow=False,
            needs=tuple(_CASELOAD_2022),
            shares_pc=True,
        ),
        FileSpec(
            "sen2_estab_new_plans.csv",
            "establishment",
            _fixed(_NEW_PLANS_2022),
            flow=True,
            needs=tuple(_NEW_PLANS_2022),
            shares_pc=True,
        ),
        FileSpec(
            "sen2_age_new_plans.csv",
            "age_band",
            _fixed(_NEW_PLANS_2022),
            flow=True,
            needs=tuple(_NEW_PLANS_2022),
            shares_pc=True,
        ),
        FileSpec(
            "sen2_mi.csv",
            "none",
            _fixed(_MI_2022),
            flow=True,
            needs=("InreqEHC", "TotIncExcEHC", "IncExc20weekEHC"),
            ignore=frozenset(_MI_2022_DERIVABLE),
        ),
        FileSpec(
            "sen2_wbp_residential_dmo.csv",
            "none",
            _fixed(_WBP_2022),
            flow=False,
            needs=("WorkbasedEHC",),
            ignore=frozenset(_WBP_2022_NOT_COUNTS),
        ),
    ),
    LAYOUT_2023: (
        FileSpec(
            "caseload.csv",
            "topic",
            lambda h, f: _placement_columns(h, "ehcplans", "caseload", f),
            flow=False,
            required=True,
            needs=("ehcplans",),
            shares_pc=True,
        ),
        FileSpec(
            "newplans.csv",
            "topic",
            lambda h, f: _placement_columns(h, "new_ehc_plans", "new_plans", f),
            flow=True,
            needs=("new_ehc_plans",),
            shares_pc=True,
        ),
        FileSpec(
            "sen_needs_all_plans.csv",
            "topic",
            lambda h, f: _need_columns(h, "caseload", f),
            flow=False,
            needs=("number_asd",),
            # ehc_plans repeats caseload.csv's ehcplans; _pc are shares of it.
            ignore=frozenset({"ehc_plans"}),
            shares_pc=True,
        ),
        FileSpec(
            "sen_need_newplans.csv",
            "topic",
            lambda h, f: _need_columns(h, "new_plans", f),
            flow=True,
            needs=("number_asd",),
            ignore=frozenset({"ehc_plans"}),
            shares_pc=True,
        ),
        FileSpec(
            "requests.csv",
            "topic",
            _named(_REQUESTS),
            flow=True,
            needs=("requests_received_in_year",),
        ),
        FileSpec(
            "assessments.csv", "topic", _named(_ASSESSMENTS), flow=True, needs=("assess_in_year",)
        ),
        FileSpec(
            "timeliness_20_week.csv",
            "topic",
            _named(_TIMELINESS),
            flow=True,
            needs=("plans_issued_den", "plans_issued_within_20_weeks"),
        ),
        FileSpec("ceased_plans.csv", "topic", _named(_CEASED), flow=True, needs=("total_ceased",)),
        FileSpec(
            "annual_reviews.csv",
            "topic",
            _annual_review_columns,
            flow=True,
            needs=("total_ehc_plans",),
        ),
        FileSpec(
            "personal_budgets.csv",
            "topic",
            _named(_PERSONAL_BUDGETS),
            flow=False,
            needs=("personal_budget",),
        ),
        FileSpec(
            "residential_settings.csv",
            "topic",
            _named(_RESIDENTIAL),
            flow=False,
            needs=("Res_tot",),
        ),
        FileSpec(
            "work_based_placements.csv",
            "topic",
            _named(_WORK_BASED),
            flow=False,
            needs=("open_wbp",),
        ),
    ),
}
_BREAKDOWN_COLUMNS = {
    "establishment": ("establishment_group", "establishment_type"),
    "age_band": ("characteristic_age",),
    "none": (),
    "topic": ("breakdown_topic", "breakdown"),
}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def detect_layout(source: ReleaseSource) -> str:
    """Which layout a release uses, from the names of its files."""
    for layout, specs in LAYOUTS.items():
        required = [spec.name for spec in specs if spec.required]
        if all(source.find(name) for name in required):
            return layout
    expected = " or ".join(
        ", ".join(s.name for s in specs if s.required) for specs in LAYOUTS.values()
    )
    raise InputFileError(
        f"this is not a DfE 'Education, health and care plans' release: expected {expected}",
        file=source.path.name,
    )


_RELEASE_IN_GUIDANCE = re.compile(r"(\d{4})\s+reporting year|reporting year\s+(\d{4})", re.I)


def release_year(source: ReleaseSource) -> str:
    """The reporting year of the release, from its data guidance or else its file name."""
    for member in source.members:
        if "guidance" in member.lower() and member.lower().endswith(".txt"):
            match = _RELEASE_IN_GUIDANCE.search(source.read_text(member)[:2000])
            if match:
                return match.group(1) or match.group(2)
    match = re.search(r"(20\d\d)", source.path.name)
    if match:
        return match.group(1)
    raise InputFileError(
        "cannot tell which reporting year this release is: no data guidance stating "
        "'Reporting year' and no year in the file name",
        file=source.path.name,
        hint="keep the data-guidance file from the download, or name the file *_2024.zip",
    )


def read_release(path: str | Path) -> pd.DataFrame:
    """Every figure of one DfE EHCP release (zip or folder, either layout) as a tidy table.

    Returns :data:`TIDY_COLUMNS`: one row per published figure, ``year`` the January census year
    the figure belongs to, ``value`` in children/plans/requests (or percent for ``*_pc``
    measures), NaN where DfE published a symbol with the symbol in ``status``.
    """
    source = ReleaseSource.open(path)
    layout = detect_layout(source)
    release = release_year(source)
    frames = []
    for spec in LAYOUTS[layout]:
        member = source.find(spec.name)
        if member is None:
            continue
        frames.append(_read_file(source, member, spec))
    tidy = pd.concat(frames, ignore_index=True)
    tidy.insert(0, "release", release)
    tidy["status"] = tidy["status"].astype(object).where(tidy["status"].notna(), None)
    _check_unique(tidy)
    return tidy[TIDY_COLUMNS]


def _read_file(source: ReleaseSource, member: str, spec: FileSpec) -> pd.DataFrame:
    file = source.display_name(member)
    breakdown_columns = _BREAKDOWN_COLUMNS[spec.breakdown]
    raw = read_csv(source, member, required=[*GEO_COLUMNS, *breakdown_columns, *spec.needs])
    header = list(raw.columns)
    figures = spec.figures(header, file)
    known = set(GEO_COLUMNS) | set(breakdown_columns) | set(spec.ignore) | {"time_identifier"}
    unread = [c for c in header if c not in known and c not in figures]
    # A column we do not know might be a new measure; _pc shares of a total are derivable.
    unexpected = [c for c in unread if not (spec.shares_pc and c.lower().endswith("_pc"))]
    if unexpected:
        raise InputFileError(
            f"unexpected column {unexpected[0]!r}: this layout is not the one highneeds knows",
            file=file,
            row=1,
            column=unexpected[0],
            hint="add the column to highneeds.readers.dfe_ehcp if DfE has added a measure",
        )
    raw["_row"] = np.arange(2, len(raw) + 2)
    if spec.breakdown == "age_band":
        # The age file's Total row repeats the establishment file's total; keep one.
        raw = raw[raw["characteristic_age"].str.strip().str.lower() != TOTAL]
    rows = _row_breakdown(raw, spec.breakdown, file)
    rows = pd.concat([_geography(raw, file, spec.flow), rows], axis=1)
    value_columns = [c for c in header if c in figures]
    long = raw[value_columns].melt(ignore_index=False, var_name="column", value_name="raw")
    positions = raw.index.get_indexer(long.index)
    value, status = to_values(
        long["raw"], file, long["column"], pd.Series(raw["_row"].to_numpy()[positions])
    )
    mapping = pd.DataFrame(
        [(c, f.measure, f.setting, f.dimension, f.category) for c, f in figures.items()],
        columns=["column", "measure", "col_setting", "col_dimension", "col_category"],
    ).set_index("column")
    cols = mapping.reindex(long["column"].to_numpy())
    # Gather as plain object arrays (numpy takes), building the frame once at the end:
    # letting pandas infer Arrow strings for every intermediate column costs seconds.
    taken = {name: rows[name].to_numpy(dtype=object)[positions] for name in rows.columns}
    out = {name: taken[name] for name in _GEOGRAPHY_OUT}
    out["measure"] = cols["measure"].to_numpy(dtype=object)
    out["setting"] = _combine(cols["col_setting"].to_numpy(), taken["row_setting"])
    out["dimension"] = _combine(cols["col_dimension"].to_numpy(), taken["row_dimension"])
    out["category"] = _combine(cols["col_category"].to_numpy(), taken["row_category"])
    out["status"] = status.astype(object).where(status.notna(), None).to_numpy()
    out["_file"] = np.full(len(positions), file, dtype=object)
    frame = pd.DataFrame({name: pd.Series(array, dtype=object) for name, array in out.items()})
    frame["year"] = taken["year"].astype("int64")
    frame["value"] = value.to_numpy()
    return frame


_GEOGRAPHY_OUT = ("geographic_level", "area_code", "area_gss", "area_name", "region_code", "period")


def _combine(from_column: np.ndarray, from_row: np.ndarray) -> np.ndarray:
    """A breakdown given by the column, the row, or both (joined with ``|``: ``need|age``)."""
    from_column = np.asarray(from_column, dtype=object)
    from_row = np.asarray(from_row, dtype=object)
    out = np.where(from_column == TOTAL, from_row, from_column)
    both = (from_column != TOTAL) & (from_row != TOTAL)
    if both.any():
        out[both] = [f"{c}|{r}" for c, r in zip(from_column[both], from_row[both], strict=True)]
    return out


def _geography(raw: pd.DataFrame, file: str, flow: bool) -> pd.DataFrame:
    level = raw["geographic_level"].str.strip().map(_GEOGRAPHIC_LEVELS)
    if level.isna().any():
        first = level.isna().to_numpy().argmax()
        raise InputFileError(
            f"unknown geographic level {raw['geographic_level'].iloc[first]!r}",
            file=file,
            row=int(raw["_row"].iloc[first]),
            column="geographic_level",
        )
    is_la, is_region = level == "la", level == "regional"
    area_code = np.where(
        is_la, raw["old_la_code"], np.where(is_region, raw["region_code"], raw["country_code"])
    )
    area_gss = np.where(
        is_la, raw["new_la_code"], np.where(is_region, raw["region_code"], raw["country_code"])
    )
    area_name = np.where(
        is_la, raw["la_name"], np.where(is_region, raw["region_name"], raw["country_name"])
    )
    region = raw["region_code"].where(level != "national", None).replace("", None)
    blank = pd.Series(area_code, index=raw.index).str.strip() == ""
    if blank.any():
        first = blank.to_numpy().argmax()
        raise InputFileError(
            "no area code on this row",
            file=file,
            row=int(raw["_row"].iloc[first]),
            column="old_la_code" if is_la.iloc[first] else "region_code",
        )
    period = raw["time_period"].str.strip()
    return pd.DataFrame(
        {
            "geographic_level": level,
            "area_code": area_code,
            "area_gss": pd.Series(area_gss, index=raw.index).replace("", None),
            "area_name": area_name,
            "region_code": region,
            "year": _census_year(period, flow, raw["_row"], file),
            "period": period,
        },
        index=raw.index,
    )


def _census_year(period: pd.Series, flow: bool, rows: pd.Series, file: str) -> pd.Series:
    """January census year of a published time_period.

    Academic years ``201819`` are the January inside them (2019). A calendar year ``2021`` is
    January 2021 for a snapshot, but a flow in calendar 2021 is reported in the January 2022
    census, so flows get year + 1.
    """
    distinct = pd.Series(period.unique())
    valid = set(distinct[distinct.str.fullmatch(r"\d{4}(\d{2})?")])
    ok = period.isin(valid)
    if not ok.all():
        first = (~ok).to_numpy().argmax()
        raise InputFileError(
            f"time_period {period.iloc[first]!r} is not a year (2021) or academic year (202021)",
            file=file,
            row=int(rows.iloc[first]),
            column="time_period",
        )
    year = {p: int(p[:4]) + int(len(p) == 6 or flow) for p in valid}
    return period.map(year).astype("int64")


def _row_breakdown(raw: pd.DataFrame, kind: str, file: str) -> pd.DataFrame:
    """Setting/dimension/category each row stands for, resolving each distinct label once."""
    index = raw.index
    if kind == "none":
        return pd.DataFrame(
            {"row_setting": TOTAL, "row_dimension": TOTAL, "row_category": TOTAL}, index=index
        )
    if kind == "age_band":
        labels = raw["characteristic_age"].str.strip()
        codes = _resolve_each(
            labels,
            raw["_row"],
            lambda label, row: vocabulary.age_band_code(
                label, file=file, row=row, column="characteristic_age"
            ),
        )
        return pd.DataFrame(
            {"row_setting": TOTAL, "row_dimension": "age_band", "row_category": codes},
            index=index,
        )
    if kind == "establishment":
        pairs = (
            raw["establishment_group"].str.strip() + "\x1f" + raw["establishment_type"].str.strip()
        )
        settings = _resolve_each(
            pairs, raw["_row"], lambda pair, row: _establishment(pair, file, row)
        )
        return pd.DataFrame(
            {"row_setting": settings, "row_dimension": TOTAL, "row_category": TOTAL},
            index=index,
        )
    pairs = raw["breakdown_topic"].str.strip() + "\x1f" + raw["breakdown"].str.strip()
    resolved = _resolve_each(pairs, raw["_row"], lambda pair, row: _topic(pair, file, row))
    parts = resolved.str.split("\x1f", expand=True)
    return pd.DataFrame(
        {"row_setting": parts[0], "row_dimension": parts[1], "row_category": parts[2]},
        index=index,
    )


def _resolve_each(labels: pd.Series, rows: pd.Series, resolve) -> pd.Series:
    """Apply ``resolve(label, row)`` once per distinct label (row = its first occurrence)."""
    first_rows = rows.groupby(labels.to_numpy(), sort=False).first()
    table = {label: resolve(label, int(row)) for label, row in first_rows.items()}
    return labels.map(table)


def _establishment(pair: str, file: str, row: int) -> str:
    group, kind = pair.split("\x1f")
    if kind.lower() != TOTAL:
        return vocabulary.setting_code(kind, file=file, row=row, column="establishment_type")
    if group.lower() == TOTAL:
        return TOTAL
    code = vocabulary.setting_group_total_code(
        group, file=file, row=row, column="establishment_group"
    )
    return f"group:{code}"


def slug(label: str) -> str:
    """A stable category code for a published label (``Asian - Bangladeshi``: asian_bangladeshi)."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _age_category(label: str) -> str:
    """``age 10``/``Aged 10``: 10; ``age 2 and under``: 2_and_under; ``Age unknown``: unknown."""
    return slug(re.sub(r"^\s*aged?\s+", "", label, flags=re.I))


def _topic(pair: str, file: str, row: int) -> str:
    topic, label = pair.split("\x1f")
    key = topic.lower()
    if key.startswith("all ") or key == "new ehc plans":
        return "\x1f".join((TOTAL, TOTAL, TOTAL))
    dimension = _TOPIC_DIMENSIONS.get(key)
    if dimension is None:
        raise UnknownLabelError(
            topic,
            "breakdown topic",
            file=file,
            row=row,
            column="breakdown_topic",
            known=[t.capitalize() for t in _TOPIC_DIMENSIONS],
        )
    if dimension == "setting":
        return "\x1f".join((_placement(label, file, row), TOTAL, TOTAL))
    if dimension in ("age", "age_at_start"):
        return "\x1f".join((TOTAL, dimension, _age_category(label)))
    return "\x1f".join((TOTAL, dimension, slug(label)))


def _placement(label: str, file: str, row: int) -> str:
    try:
        return vocabulary.setting_code(label, file=file, row=row, column="breakdown")
    except UnknownLabelError as setting_error:
        try:
            group = vocabulary.setting_group_total_code(
                label, file=file, row=row, column="breakdown"
            )
        except UnknownLabelError:
            raise setting_error from None
        return f"group:{group}"


def _check_unique(tidy: pd.DataFrame) -> None:
    duplicated = tidy.duplicated(KEY, keep=False)
    if duplicated.any():
        first = tidy[duplicated].iloc[0]
        raise InputFileError(
            f"the same figure is published twice ({first['measure']} for {first['area_name']}, "
            f"{first['year']}, setting {first['setting']}, {first['dimension']} "
            f"{first['category']})",
            file=first["_file"],
        )


# --------------------------------------------------------------------------------------------
# Which published rows add up to which (used by checks and by anyone summing settings)
# --------------------------------------------------------------------------------------------

#: First January census from which a person-level subtotal adds up (see PLACEMENT_SUBTOTAL_PARTS).
#: Earlier years hold placements in no published column (in January 2023 the total exceeds the
#: placements by up to 11 plans per LA in the sample; before 2023 "educated elsewhere" leaves out
#: awaiting provision), so they are not checked.
_PERSON_LEVEL_ADDITIVE_FROM = {"total": 2024, "group:educated_elsewhere": 2023}


def layout_of_release(release: str) -> str:
    """Layout of a reporting year's release: person-level SEN2 from 2023."""
    return LAYOUT_2023 if int(release) >= 2023 else LAYOUT_2022


def subtotal_parts(layout: str) -> pd.DataFrame:
    """Rows of a layout that add up to a published subtotal: columns parent, child, from_year.

    ``parent`` is ``total`` or ``group:<code>``; ``child`` a setting code or ``group:<code>``.
    In the LA-aggregate layout the published establishment groups are the vocabulary's setting
    groups (work-based learning, filed under "Unknown" in 2015-16, included). In the person-level
    layout they follow :data:`PLACEMENT_SUBTOTAL_PARTS`.
    """
    rows: list[tuple[str, str, int]] = []
    if layout == LAYOUT_2022:
        for group in vocabulary.SETTING_GROUPS:
            rows.append((TOTAL, f"group:{group.code}", 0))
        for setting in vocabulary.SETTINGS:
            rows.append((f"group:{setting.group}", setting.code, 0))
    else:
        for child in PLACEMENT_TOTAL_PARTS:
            rows.append((TOTAL, child, _PERSON_LEVEL_ADDITIVE_FROM[TOTAL]))
        for group, settings in PLACEMENT_SUBTOTAL_PARTS.items():
            parent = f"group:{group}"
            start = _PERSON_LEVEL_ADDITIVE_FROM.get(parent, 0)
            rows.extend((parent, setting, start) for setting in settings)
    return pd.DataFrame(rows, columns=["parent", "child", "from_year"])


def additivity_breaks(stats: pd.DataFrame, measures: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Published subtotals that do not equal the sum of their published parts.

    Only where no DfE symbol intervenes (the subtotal and every part are numbers). Returns one row
    per break: the slice, ``parent``, ``value`` (published subtotal), ``parts_sum``.
    """
    slice_key = ["release", "area_code", "year", "measure", "dimension", "category"]
    stats = stats[~stats["measure"].str.endswith("_pc")]
    if measures is not None:
        stats = stats[stats["measure"].isin(measures)]
    out = []
    for release, frame in stats.groupby("release"):
        parts = subtotal_parts(layout_of_release(str(release)))
        children = frame.merge(parts, left_on="setting", right_on="child")
        children = children[children["year"] >= children["from_year"]]
        children = children.assign(_symbol=children["value"].isna())
        summed = children.groupby([*slice_key, "parent"], as_index=False).agg(
            parts_sum=("value", "sum"), symbol=("_symbol", "any")
        )
        parents = frame.rename(columns={"setting": "parent"})[[*slice_key, "parent", "value"]]
        both = summed.merge(parents, on=[*slice_key, "parent"])
        clean = ~both["symbol"] & both["value"].notna()
        broken = clean & ((both["parts_sum"] - both["value"]).abs() > 1e-6)
        out.append(both.loc[broken, [*slice_key, "parent", "value", "parts_sum"]])
    if not out:
        return pd.DataFrame(columns=[*slice_key, "parent", "value", "parts_sum"])
    return pd.concat(out, ignore_index=True)
