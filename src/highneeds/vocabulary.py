"""The one vocabulary of highneeds: needs, settings, setting groups, funding categories, ages.

Every label any source uses (DfE release columns and filters, SEN2 codes, GIAS establishment
types, DSG management plan lines) resolves here to one code. An unknown label raises
:class:`highneeds.errors.UnknownLabelError` naming the label and the file; it is never dropped.

Codes are short lower-case identifiers that never change; labels are what users read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from highneeds.errors import UnknownLabelError

# --------------------------------------------------------------------------------------------
# Ages and national curriculum years
# --------------------------------------------------------------------------------------------

#: Lowest NCY a child can hold: born after the 31 August before the school year (age -1 then).
NCY_MIN = -5
#: Highest NCY: age 24 on 31 August, turning 25 during the year; plans end by then.
NCY_MAX = 20
#: Age on the 31 August before the school year equals NCY + 4 (Year 11 pupils are 15 then).
AGE_OFFSET = 4
AGE_MAX = 25


def ncy_to_age(ncy: int) -> int:
    """Age in whole years on the 31 August before the school year of ``ncy``."""
    return int(ncy) + AGE_OFFSET


def age_to_ncy(age: int) -> int:
    """National curriculum year for a child of ``age`` on the 31 August before the school year."""
    return int(age) - AGE_OFFSET


@dataclass(frozen=True)
class AgeBand:
    code: str
    label: str
    min_age: int  # inclusive, age on 31 August
    max_age: int  # inclusive

    @property
    def ncys(self) -> range:
        return range(age_to_ncy(self.min_age), age_to_ncy(self.max_age) + 1)

    def contains_age(self, age: int) -> bool:
        return self.min_age <= age <= self.max_age


#: The bands DfE's EHCP release and the DSG deficit management plan template both use.
AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("under_5", "Under 5", -1, 4),
    AgeBand("5_10", "Age 5 to 10", 5, 10),
    AgeBand("11_15", "Age 11 to 15", 11, 15),
    AgeBand("16_19", "Age 16 to 19", 16, 19),
    AgeBand("20_25", "Age 20 to 25", 20, 25),
)
AGE_BAND_BY_CODE = {band.code: band for band in AGE_BANDS}


def age_band_of_age(age: int) -> str:
    """Code of the age band holding ``age`` (years on 31 August)."""
    for band in AGE_BANDS:
        if band.contains_age(age):
            return band.code
    raise ValueError(f"age {age} is outside 0–{AGE_MAX}")


def age_band_of_ncy(ncy: int) -> str:
    return age_band_of_age(ncy_to_age(ncy))


#: Open-ended single-age categories of the person-level DfE releases (2023 on) and the band
#: each falls in wholly.
_OPEN_AGE_BANDS = {"under_3": "under_5", "2_and_under": "under_5", "20_and_over": "20_25"}


def age_band_of_age_category(category: str) -> str | None:
    """Age band code of a published single-age category (``"7"``, ``"under_3"``,
    ``"20_and_over"``); None for one in no band (``"unknown"``, ages past 25)."""
    if category in _OPEN_AGE_BANDS:
        return _OPEN_AGE_BANDS[category]
    try:
        return age_band_of_age(int(category))
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Types of need
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    code: str  # the SEN2 / school census code, upper case
    label: str
    aliases: tuple[str, ...] = ()


NEEDS: tuple[Need, ...] = (
    Need("ASD", "Autistic spectrum disorder", ("autism", "autistic spectrum disorder")),
    Need("SEMH", "Social, emotional and mental health"),
    Need("SLCN", "Speech, language and communication needs"),
    Need("MLD", "Moderate learning difficulty"),
    Need("SLD", "Severe learning difficulty"),
    Need("PMLD", "Profound and multiple learning difficulty"),
    Need("SPLD", "Specific learning difficulty", ("spld",)),
    Need("HI", "Hearing impairment"),
    Need("VI", "Vision impairment", ("visual impairment",)),
    Need("MSI", "Multi-sensory impairment"),
    Need("PD", "Physical disability"),
    Need("DS", "Down syndrome"),
    Need("OTH", "Other difficulty or disability", ("other",)),
    Need("UNKNOWN", "Need not recorded", ("need_unknown", "unknown", "not recorded", "nsa")),
)
NEED_BY_CODE = {need.code: need for need in NEEDS}

# --------------------------------------------------------------------------------------------
# Sex and reasons a plan ceased (SEN2 person and named plan codes), for published tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sex:
    code: str  # SEN2 Sex; GenderCurrent 1/2/0/9 becomes M/F/U on import
    label: str


SEXES: tuple[Sex, ...] = (Sex("F", "Female"), Sex("M", "Male"), Sex("U", "Not known"))
SEX_BY_CODE = {sex.code: sex for sex in SEXES}


@dataclass(frozen=True)
class CeaseReason:
    code: str  # SEN2 CeaseReason, 1-9
    label: str


CEASE_REASONS: tuple[CeaseReason, ...] = (
    CeaseReason("1", "Reached maximum age"),
    CeaseReason("2", "Needs met without a plan"),
    CeaseReason("3", "Moved on to higher education"),
    CeaseReason("4", "Moved on to paid employment (not an apprenticeship)"),
    CeaseReason("5", "Transferred to another LA"),
    CeaseReason("6", "Young person no longer engaging"),
    CeaseReason("7", "Moved outside England"),
    CeaseReason("8", "Deceased"),
    CeaseReason("9", "Other"),
)
CEASE_REASON_BY_CODE = {reason.code: reason for reason in CEASE_REASONS}

# --------------------------------------------------------------------------------------------
# Settings, setting groups and DSG management plan funding categories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingGroup:
    code: str
    label: str


#: Groups as the DfE release publishes them (its establishment groups / placement totals).
SETTING_GROUPS: tuple[SettingGroup, ...] = (
    SettingGroup("mainstream", "Mainstream school"),
    SettingGroup("special", "Special school"),
    SettingGroup("ap_pru", "Alternative provision / pupil referral unit"),
    SettingGroup("fe", "Further education and post-16"),
    SettingGroup("early_years", "Non-maintained early years"),
    SettingGroup("educated_elsewhere", "Educated elsewhere"),
    SettingGroup("neet", "Not in education, employment or training"),
    SettingGroup("work_based", "Work-based learning"),
    SettingGroup("other", "Other or unknown"),
)
SETTING_GROUP_BY_CODE = {group.code: group for group in SETTING_GROUPS}


@dataclass(frozen=True)
class FundingCategory:
    code: str
    label: str


#: The placement groups of DfE's DSG deficit management plan template.
FUNDING_CATEGORIES: tuple[FundingCategory, ...] = (
    FundingCategory("mainstream", "Mainstream schools and academies"),
    FundingCategory("resourced_provision", "Resourced provision and SEN units"),
    FundingCategory("maintained_special", "Maintained special schools and special academies"),
    FundingCategory("independent_special", "Independent and non-maintained special schools"),
    FundingCategory("hospital_ap", "Hospital schools and alternative provision"),
    FundingCategory("post16_fe", "Post-16 and further education"),
    FundingCategory("other", "Other (including direct payments and arrangements)"),
)
FUNDING_CATEGORY_BY_CODE = {category.code: category for category in FUNDING_CATEGORIES}


@dataclass(frozen=True)
class Setting:
    """A type of setting where a child or young person with an EHCP is educated."""

    code: str
    label: str
    group: str
    funding_category: str
    #: Inclusive NCY range the setting serves (used by forecasts to move children on).
    min_ncy: int = NCY_MIN
    max_ncy: int = NCY_MAX
    specialist: bool = False
    in_area_specialist: bool = False
    aliases: tuple[str, ...] = field(default=(), repr=False)


_SCHOOL = {"min_ncy": -2, "max_ncy": 14}
_POST16 = {"min_ncy": 12, "max_ncy": NCY_MAX}

SETTINGS: tuple[Setting, ...] = (
    # Mainstream
    Setting(
        "mainstream_la_maintained",
        "Mainstream – LA maintained",
        "mainstream",
        "mainstream",
        **_SCHOOL,
        aliases=("Mainstream - LA maintained",),
    ),
    Setting(
        "mainstream_la_maintained_rp",
        "Mainstream – LA maintained – resourced provision",
        "mainstream",
        "resourced_provision",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=(
            "Mainstream - LA maintained - Resourced provision",
            "mainstream_la_maintained_resourced_provision",
        ),
    ),
    Setting(
        "mainstream_la_maintained_unit",
        "Mainstream – LA maintained – SEN unit",
        "mainstream",
        "resourced_provision",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=("Mainstream - LA maintained - SEN unit", "mainstream_la_maintained_senunit"),
    ),
    Setting(
        "mainstream_academy",
        "Mainstream – academy",
        "mainstream",
        "mainstream",
        **_SCHOOL,
        aliases=("Mainstream - Academy",),
    ),
    Setting(
        "mainstream_academy_rp",
        "Mainstream – academy – resourced provision",
        "mainstream",
        "resourced_provision",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=(
            "Mainstream - Academy - Resourced Provision",
            "mainstream_academy_resourced_provision",
        ),
    ),
    Setting(
        "mainstream_academy_unit",
        "Mainstream – academy – SEN unit",
        "mainstream",
        "resourced_provision",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=("Mainstream - Academy - SEN unit", "mainstream_academy_senunit"),
    ),
    Setting(
        "mainstream_free_school",
        "Mainstream – free school",
        "mainstream",
        "mainstream",
        **_SCHOOL,
        aliases=("Mainstream - Free school",),
    ),
    Setting(
        "mainstream_free_school_rp",
        "Mainstream – free school – resourced provision",
        "mainstream",
        "resourced_provision",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=(
            "Mainstream - Free school - Resourced provision",
            "mainstream_free_school_resourced_provision",
        ),
    ),
    Setting(
        "mainstream_free_school_unit",
        "Mainstream – free school – SEN unit",
        "mainstream",
        "resourced_provision",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=("Mainstream - Free school - SEN unit", "mainstream_free_school_senunit"),
    ),
    # Independent mainstream schools are paid like other independent placements.
    Setting(
        "mainstream_independent",
        "Mainstream – independent",
        "mainstream",
        "independent_special",
        **_SCHOOL,
        aliases=("Mainstream - Independent",),
    ),
    # Special
    Setting(
        "special_la_maintained",
        "Special – LA maintained",
        "special",
        "maintained_special",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=("Special - LA maintained",),
    ),
    Setting(
        "special_academy",
        "Special – academy",
        "special",
        "maintained_special",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=("Special - Academy",),
    ),
    Setting(
        "special_free_school",
        "Special – free school",
        "special",
        "maintained_special",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=("Special - Free school",),
    ),
    # From January 2017 DfE publishes special academies and free schools together.
    Setting(
        "special_academy_free",
        "Special – academy or free school",
        "special",
        "maintained_special",
        **_SCHOOL,
        specialist=True,
        in_area_specialist=True,
        aliases=("Special - Academy/free", "special_academy_free"),
    ),
    Setting(
        "special_independent",
        "Special – independent",
        "special",
        "independent_special",
        min_ncy=-2,
        max_ncy=16,
        specialist=True,
        aliases=("Special - Independent",),
    ),
    Setting(
        "special_non_maintained",
        "Special – non-maintained",
        "special",
        "independent_special",
        min_ncy=-2,
        max_ncy=16,
        specialist=True,
        aliases=("Special - Non-maintained",),
    ),
    Setting(
        "hospital_school",
        "Hospital school",
        "special",
        "hospital_ap",
        **_SCHOOL,
        specialist=True,
        aliases=("Hospital School", "Hospital school"),
    ),
    # Alternative provision and pupil referral units
    Setting(
        "ap_pru_la_maintained",
        "AP/PRU – LA maintained",
        "ap_pru",
        "hospital_ap",
        min_ncy=0,
        max_ncy=11,
        specialist=True,
        aliases=("AP/PRU - LA maintained", "ap_pru_la_maintained"),
    ),
    Setting(
        "ap_pru_academy",
        "AP/PRU – academy",
        "ap_pru",
        "hospital_ap",
        min_ncy=0,
        max_ncy=11,
        specialist=True,
        aliases=("AP/PRU - Academy", "ap_pru_academy"),
    ),
    Setting(
        "ap_pru_free_school",
        "AP/PRU – free school",
        "ap_pru",
        "hospital_ap",
        min_ncy=0,
        max_ncy=11,
        specialist=True,
        aliases=("AP/PRU - Free school", "ap_pru_free_school"),
    ),
    # Further education and post-16
    Setting(
        "fe_general",
        "General FE and tertiary colleges / HE",
        "fe",
        "post16_fe",
        **_POST16,
        aliases=("General FE and tertiary colleges/HE", "general_fe_tertiary_colleges"),
    ),
    Setting(
        "fe_sixth_form",
        "Sixth form college",
        "fe",
        "post16_fe",
        **_POST16,
        aliases=("Sixth form college",),
    ),
    Setting("fe_other", "Other FE", "fe", "post16_fe", **_POST16, aliases=("Other FE",)),
    Setting(
        "fe_ukrlp_provider",
        "Other provider registered on UKRLP",
        "fe",
        "post16_fe",
        **_POST16,
        aliases=("ukrlp_provider",),
    ),
    Setting(
        "specialist_post16",
        "Specialist post-16 institution",
        "fe",
        "post16_fe",
        **_POST16,
        specialist=True,
        aliases=(
            "Specialist post-16 institutions",
            "Independent specialist providers",
            "specialist_post_16_institutions",
        ),
    ),
    # Work-based learning (published as extra counts, not always inside the total)
    Setting(
        "apprenticeship",
        "Apprenticeship",
        "work_based",
        "post16_fe",
        **_POST16,
        aliases=("Apprenticeship",),
    ),
    Setting(
        "traineeship", "Traineeship", "work_based", "post16_fe", **_POST16, aliases=("Traineeship",)
    ),
    Setting(
        "supported_internship",
        "Supported internship",
        "work_based",
        "post16_fe",
        **_POST16,
        aliases=("Supported Internship",),
    ),
    Setting(
        "work_based_learning",
        "Work-based learning",
        "work_based",
        "post16_fe",
        **_POST16,
        aliases=("Work-based learning",),
    ),
    # Early years
    Setting(
        "early_years_non_maintained",
        "Non-maintained early years",
        "early_years",
        "other",
        min_ncy=NCY_MIN,
        max_ncy=0,
        aliases=("Non-maintained early years", "nm_early_years", "EYP"),
    ),
    # Educated elsewhere
    Setting(
        "elective_home_education",
        "Elective home education",
        "educated_elsewhere",
        "other",
        aliases=("Elective home education", "EHE"),
    ),
    Setting(
        "other_arrangements_la",
        "Other arrangements by the LA (incl. EOTAS)",
        "educated_elsewhere",
        "other",
        aliases=("Other arrangements by local authority", "OLA"),
    ),
    Setting(
        "other_arrangements_parents",
        "Other arrangements by parents",
        "educated_elsewhere",
        "other",
        aliases=("Other arrangements by parents", "OPA"),
    ),
    Setting("online_provider", "Online provider", "educated_elsewhere", "other"),
    Setting("welsh_setting", "Setting in Wales", "other", "other", aliases=("w_settings",)),
    Setting("other_school", "Other school", "other", "other", aliases=("other_schools",)),
    Setting(
        "other_placement",
        "Other placement setting",
        "other",
        "other",
        aliases=("other_placement_settings", "Other", "OTH"),
    ),
    Setting(
        "permanently_excluded",
        "Permanently excluded",
        "educated_elsewhere",
        "other",
        aliases=("Permanently excluded", "perm_ex_2022"),
    ),
    Setting(
        "awaiting_provision",
        "Awaiting provision",
        "educated_elsewhere",
        "other",
        aliases=("Awaiting provision - total", "await_prov_2022"),
    ),
    Setting(
        "awaiting_provision_below_csa_in_ed",
        "Awaiting provision – below compulsory school age, in education",
        "educated_elsewhere",
        "other",
        min_ncy=NCY_MIN,
        max_ncy=0,
        aliases=("Awaiting provision - below compulsory school age and in education",),
    ),
    Setting(
        "awaiting_provision_below_csa_not_in_ed",
        "Awaiting provision – below compulsory school age, not in education",
        "educated_elsewhere",
        "other",
        min_ncy=NCY_MIN,
        max_ncy=0,
        aliases=("Awaiting provision - below compulsory school age and not in education",),
    ),
    Setting(
        "awaiting_provision_csa_in_ed",
        "Awaiting provision – compulsory school age, in education",
        "educated_elsewhere",
        "other",
        aliases=("Awaiting provision - compulsory school age and in education",),
    ),
    Setting(
        "awaiting_provision_csa_not_in_ed",
        "Awaiting provision – compulsory school age, not in education",
        "educated_elsewhere",
        "other",
        aliases=(
            "Awaiting provision - compulsory school age and not in education",
            "neet_other_csa",
        ),
    ),
    Setting(
        "awaiting_provision_above_csa_in_ed",
        "Awaiting provision – above compulsory school age, in education",
        "educated_elsewhere",
        "other",
        aliases=("Awaiting provision - above compulsory school age and in education",),
    ),
    Setting(
        "awaiting_provision_above_csa_not_in_ed",
        "Awaiting provision – above compulsory school age, not in education",
        "educated_elsewhere",
        "other",
        aliases=("Awaiting provision - above compulsory school age and not in education",),
    ),
    # NEET and not in education
    Setting(
        "neet",
        "Not in education, employment or training (16–25)",
        "neet",
        "other",
        min_ncy=12,
        max_ncy=NCY_MAX,
        aliases=("NEET",),
    ),
    Setting(
        "not_in_education_notice_to_cease",
        "Not in education – notice to cease issued",
        "neet",
        "other",
        aliases=("NIEC", "neet_ntci"),
    ),
    Setting(
        "not_in_education_other",
        "Not in education – other",
        "neet",
        "other",
        aliases=("NIEO", "neet_other"),
    ),
    Setting(
        "unknown", "Placement not known", "other", "other", aliases=("placement_unknown", "Unknown")
    ),
)
SETTING_BY_CODE = {setting.code: setting for setting in SETTINGS}

# DfE publishes these as subtotals; they resolve to a setting group rather than a setting.
_GROUP_TOTAL_ALIASES = {
    "mainstream_total": "mainstream",
    "Mainstream school": "mainstream",
    "special_total": "special",
    "Special school": "special",
    "ap_pru_total": "ap_pru",
    "Alternative provision/Pupil referral unit": "ap_pru",
    "fe_total": "fe",
    "Further education": "fe",
    "ed_elsewhere": "educated_elsewhere",
    "Educated elsewhere": "educated_elsewhere",
    "neet": "neet",
    "NEET": "neet",
    "Non-maintained early years": "early_years",
    "Other": "other",
    "Unknown": "work_based",  # the 2022 release files work-based learning under "Unknown"
    # "Type of placement" breakdown labels of the 2023-and-later releases
    "AP/PRU - total": "ap_pru",
    "Educated elsewhere - total": "educated_elsewhere",
    "FE - total": "fe",
    "Mainstream - total": "mainstream",
    "Special - total": "special",
}

# "Type of placement" breakdown labels of the 2023-and-later DfE releases (person-level SEN2).
_PLACEMENT_BREAKDOWN_ALIASES = {
    "Educated elsewhere - NEET": "neet",
    "Educated elsewhere - Welsh establishment": "welsh_setting",
    "Educated elsewhere - elective home education": "elective_home_education",
    # Same figure as the caseload column neet_other_csa (see that alias above).
    "Educated elsewhere - not in education or training (compulsory school age)": (
        "awaiting_provision_csa_not_in_ed"
    ),
    "Educated elsewhere - not in education or training (notice to cease issued)": (
        "not_in_education_notice_to_cease"
    ),
    "Educated elsewhere - not in education or training (other)": "not_in_education_other",
    "Educated elsewhere - online provider": "online_provider",
    "Educated elsewhere - other arrangements by LA": "other_arrangements_la",
    "Educated elsewhere - other arrangements by parents": "other_arrangements_parents",
    "Educated elsewhere - other placement settings": "other_placement",
    "Educated elsewhere - other schools and establishments": "other_school",
    "FE - UKRLP provider": "fe_ukrlp_provider",
    "FE - general FE and tertiary colleges": "fe_general",
    "FE - specialist post-16 institutions": "specialist_post16",
    "Mainstream - LA maintained (SEN unit)": "mainstream_la_maintained_unit",
    "Mainstream - LA maintained (resourced provision)": "mainstream_la_maintained_rp",
    "Mainstream - academy (SEN unit)": "mainstream_academy_unit",
    "Mainstream - academy (resourced provision)": "mainstream_academy_rp",
    "Mainstream - free school (SEN unit)": "mainstream_free_school_unit",
    "Mainstream - free school (resourced provision)": "mainstream_free_school_rp",
    "Placement not recorded": "unknown",
    "Special - academy/free school": "special_academy_free",
    "Special - Academy/free schools": "special_academy_free",
}

# --------------------------------------------------------------------------------------------
# Label resolution
# --------------------------------------------------------------------------------------------


def normalise_label(label: str) -> str:
    """Fold case, dashes and spacing so cosmetic variants of a published label match."""
    text = str(label).strip().lower()
    text = text.replace("–", "-").replace("—", "-").replace("_", " ")
    text = re.sub(r"\s*-\s*", " - ", text)
    return re.sub(r"\s+", " ", text)


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for label, code in pairs:
        key = normalise_label(label)
        if index.get(key, code) != code:
            raise AssertionError(f"vocabulary label {label!r} maps to two codes")
        index[key] = code
    return index


_SETTING_INDEX = _index(
    [(s.code, s.code) for s in SETTINGS]
    + [(s.label, s.code) for s in SETTINGS]
    + [(alias, s.code) for s in SETTINGS for alias in s.aliases]
    + list(_PLACEMENT_BREAKDOWN_ALIASES.items())
)
_NEED_INDEX = _index(
    [(n.code, n.code) for n in NEEDS]
    + [(n.label, n.code) for n in NEEDS]
    + [(alias, n.code) for n in NEEDS for alias in n.aliases]
    + [(f"number_{n.code.lower()}", n.code) for n in NEEDS]
)
_AGE_BAND_INDEX = _index(
    [(b.code, b.code) for b in AGE_BANDS] + [(b.label, b.code) for b in AGE_BANDS]
)


def _resolve(
    index: dict[str, str],
    label: str,
    kind: str,
    known: list[str],
    file: str | None,
    row: int | None,
    column: str | None,
) -> str:
    code = index.get(normalise_label(label))
    if code is None:
        raise UnknownLabelError(str(label), kind, file=file, row=row, column=column, known=known)
    return code


def setting_code(
    label: str, *, file: str | None = None, row: int | None = None, column: str | None = None
) -> str:
    """The setting code for any published label, SEN2 code or code; else UnknownLabelError."""
    known = [s.label for s in SETTINGS] + [a for s in SETTINGS for a in s.aliases]
    known += list(_PLACEMENT_BREAKDOWN_ALIASES)
    return _resolve(_SETTING_INDEX, label, "setting", known, file, row, column)


def setting_group_total_code(
    label: str, *, file: str | None = None, row: int | None = None, column: str | None = None
) -> str:
    """The setting group a published subtotal label (``special_total``…) stands for."""
    index = {normalise_label(k): v for k, v in _GROUP_TOTAL_ALIASES.items()}
    index.update({normalise_label(g.code): g.code for g in SETTING_GROUPS})
    return _resolve(index, label, "setting group", list(_GROUP_TOTAL_ALIASES), file, row, column)


def need_code(
    label: str, *, file: str | None = None, row: int | None = None, column: str | None = None
) -> str:
    """The need code (``ASD``…) for a SEN2 code, published label or column name."""
    known = [n.code for n in NEEDS] + [n.label for n in NEEDS]
    return _resolve(_NEED_INDEX, label, "type of need", known, file, row, column)


def age_band_code(
    label: str, *, file: str | None = None, row: int | None = None, column: str | None = None
) -> str:
    known = [b.label for b in AGE_BANDS]
    return _resolve(_AGE_BAND_INDEX, label, "age band", known, file, row, column)


def setting_group_of(setting: str) -> str:
    return SETTING_BY_CODE[setting].group


def funding_category_of(setting: str) -> str:
    return SETTING_BY_CODE[setting].funding_category


# --------------------------------------------------------------------------------------------
# GIAS establishment types -> settings (for person-level records that name a URN)
# --------------------------------------------------------------------------------------------

#: GIAS "type of establishment" codes grouped by the setting family they imply. A resourced
#: provision or SEN unit flag on the placement refines a mainstream family into its _rp/_unit
#: setting (see :func:`setting_for_establishment`).
GIAS_TYPE_FAMILY: dict[int, str] = {
    1: "mainstream_la_maintained",
    2: "mainstream_la_maintained",
    3: "mainstream_la_maintained",
    5: "mainstream_la_maintained",
    15: "early_years_non_maintained",  # LA nursery school; early years
    14: "ap_pru_la_maintained",
    7: "special_la_maintained",
    12: "special_la_maintained",
    8: "special_non_maintained",
    10: "special_independent",
    6: "mainstream_independent",
    11: "mainstream_independent",
    28: "mainstream_academy",
    34: "mainstream_academy",
    45: "fe_sixth_form",
    46: "fe_sixth_form",
    57: "fe_other",
    33: "special_academy_free",
    44: "special_academy_free",
    36: "special_academy_free",
    42: "ap_pru_academy",
    43: "ap_pru_academy",
    38: "ap_pru_free_school",
    35: "mainstream_free_school",
    40: "mainstream_free_school",
    41: "mainstream_free_school",
    39: "fe_sixth_form",
    18: "fe_general",
    31: "fe_sixth_form",
    29: "fe_general",
    32: "specialist_post16",
    24: "other_placement",
    25: "other_placement",
    26: "other_placement",
    27: "other_placement",
    37: "other_placement",
    56: "other_placement",
    30: "welsh_setting",
}

_MAINSTREAM_REFINEMENT = {
    "mainstream_la_maintained": ("mainstream_la_maintained_rp", "mainstream_la_maintained_unit"),
    "mainstream_academy": ("mainstream_academy_rp", "mainstream_academy_unit"),
    "mainstream_free_school": ("mainstream_free_school_rp", "mainstream_free_school_unit"),
}


def setting_for_establishment(
    gias_type: int,
    *,
    resourced_provision: bool = False,
    sen_unit: bool = False,
    file: str | None = None,
    row: int | None = None,
    column: str | None = None,
) -> str:
    """The setting of a placement at an establishment of GIAS type ``gias_type``."""
    family = GIAS_TYPE_FAMILY.get(int(gias_type))
    if family is None:
        raise UnknownLabelError(
            str(gias_type), "GIAS establishment type", file=file, row=row, column=column
        )
    rp_unit = _MAINSTREAM_REFINEMENT.get(family)
    if rp_unit and resourced_provision:
        return rp_unit[0]
    if rp_unit and sen_unit:
        return rp_unit[1]
    return family


# --------------------------------------------------------------------------------------------
# Section 251 high needs lines (budget and outturn statements)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class S251Line:
    code: str  # the line number as DfE prints it, e.g. "1.2.3"
    label: str


#: The high needs lines of the Section 251 budget and outturn statements, in statement order.
S251_HIGH_NEEDS_LINES: tuple[S251Line, ...] = (
    S251Line("1.0.2", "High needs place funding within the individual schools budget"),
    S251Line("1.2.1", "Top-up funding – maintained schools"),
    S251Line("1.2.2", "Top-up funding – academies, free schools and colleges"),
    S251Line("1.2.3", "Top-up and other funding – non-maintained and independent providers"),
    S251Line("1.2.4", "Additional high needs targeted funding for mainstream schools"),
    S251Line("1.2.5", "SEN support services"),
    S251Line("1.2.6", "Hospital education services"),
    S251Line("1.2.7", "Other alternative provision services"),
    S251Line("1.2.8", "Support for inclusion"),
    S251Line("1.2.9", "Special schools and PRUs in financial difficulty"),
    S251Line("1.2.10", "PFI/BSF costs at special schools, AP and PRUs"),
    S251Line("1.2.11", "Direct payments (SEN and disability)"),
    S251Line("1.2.13", "Therapies and other health-related services"),
)
S251_LINE_BY_CODE = {line.code: line for line in S251_HIGH_NEEDS_LINES}
