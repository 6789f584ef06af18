"""A SEN2 person-level return as a set of tidy DataFrames, one per module, joined by keys.

One definition (:data:`MODULES`) drives both readers and both writers, so the XML and the
CSV layouts cannot drift apart. Every table has ``<module>_key`` (its own record key as found
in the file: XML position or CSV table id), the parent's key, and ``person_key`` so that a
rule can name the child of any record without a join.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Item:
    """One data item: our column name, its XML element name, its type and accepted aliases."""

    column: str
    element: str
    kind: str = "str"  # "str" | "date" | "flag" | "int"
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Element names (and Blade CSV headers) accepted for this item, lower case."""
        return tuple(name.lower() for name in (self.element, *self.aliases))


@dataclass(frozen=True)
class Module:
    name: str  # our table name
    element: str  # XML element
    blade: str  # Blade CSV module name (file suffix and "<blade>tableid")
    parent: str | None
    items: tuple[Item, ...] = field(default=())

    @property
    def key(self) -> str:
        return f"{self.name}_key"

    @property
    def columns(self) -> list[str]:
        return [item.column for item in self.items]


HEADER_ITEMS: tuple[Item, ...] = (
    Item("collection", "Collection"),
    Item("year", "Year", "int"),
    Item("reference_date", "ReferenceDate", "date"),
    Item("source_level", "SourceLevel"),
    Item("lea", "LEA"),
    Item("software_code", "SoftwareCode"),
    Item("release", "Release"),
    Item("serial_no", "SerialNo"),
    Item("date_time", "DateTime"),
    Item("dmo", "DMO"),
    Item("dco", "DCO"),
    Item("dsco", "DSCO"),
)

_PLACE = (
    Item("urn", "URN"),
    Item("ukprn", "UKPRN"),
    Item("sen_setting", "SENSetting"),
    Item("sen_setting_other", "SENSettingOther"),
    Item("placement_rank", "PlacementRank", "int"),
)
_UNIT_RP = (
    Item("sen_unit_indicator", "SENunitIndicator", "flag"),
    Item("resourced_provision_indicator", "ResourcedProvisionIndicator", "flag"),
)

MODULES: tuple[Module, ...] = (
    Module(
        "person",
        "Person",
        "person",
        None,
        (
            Item("surname", "Surname"),
            Item("forename", "Forename"),
            Item("birth_date", "PersonBirthDate", "date", ("Dob",)),
            Item("sex", "Sex"),
            Item("gender_current", "GenderCurrent"),
            Item("ethnicity", "Ethnicity"),
            Item("postcode", "PostCode"),
            Item("upn", "UPN"),
            Item("uln", "UniqueLearnerNumber"),
            Item("upn_unknown", "UPNunknown"),
        ),
    ),
    Module(
        "request",
        "Requests",
        "requests",
        "person",
        (
            Item("received_date", "ReceivedDate", "date"),
            Item("request_source", "RequestSource"),
            Item("rya", "RYA", "flag"),
            Item("request_outcome_date", "RequestOutcomeDate", "date"),
            Item("request_outcome", "RequestOutcome"),
            Item("request_mediation", "RequestMediation", "flag"),
            Item("request_tribunal", "RequestTribunal", "flag"),
            Item("exported", "Exported"),
        ),
    ),
    Module(
        "assessment",
        "Assessment",
        "assessment",
        "request",
        (
            Item("assessment_outcome", "AssessmentOutcome"),
            Item("assessment_outcome_date", "AssessmentOutcomeDate", "date"),
            Item("assessment_mediation", "AssessmentMediation", "flag"),
            Item("assessment_tribunal", "AssessmentTribunal", "flag"),
            Item("other_mediation", "OtherMediation", "flag"),
            Item("other_tribunal", "OtherTribunal", "flag"),
            Item("week20", "Week20", "flag"),
        ),
    ),
    Module(
        "named_plan",
        "NamedPlan",
        "namedplan",
        "assessment",
        (
            Item("start_date", "StartDate", "date"),
            Item("plan_res", "PlanRes"),
            Item("plan_wbp", "PlanWBP", aliases=("PlanWPB",)),
            Item("pb", "PB", "flag"),
            Item("oa", "OA", "flag"),
            Item("dp", "DP"),
            Item("cease_date", "CeaseDate", "date"),
            Item("cease_reason", "CeaseReason"),
        ),
    ),
    Module("plan_detail", "PlanDetail", "plandetail", "named_plan", _PLACE + _UNIT_RP),
    Module(
        "active_plan",
        "ActivePlans",
        "activeplans",
        "request",
        (
            Item("transfer_la", "TransferLA"),
            Item("review_meeting", "ReviewMeeting", "date"),
            Item("review_outcome", "ReviewOutcome"),
            Item("review_draft", "ReviewDraft", "date"),
            Item("phase_transfer_due_date", "PhaseTransferDueDate", "date"),
            Item("phase_transfer_final_date", "PhaseTransferFinalDate", "date"),
            Item("last_review", "LastReview", "date"),
            # v1.1 (2023) only: moved to PlacementDetail in 2024.
            Item("res", "Res", aliases=("RES",)),
            Item("wbp", "WBP", aliases=("WPB",)),
        ),
    ),
    Module(
        "placement",
        "PlacementDetail",
        "placementdetail",
        "active_plan",
        (
            *_PLACE,
            Item("entry_date", "EntryDate", "date"),
            Item("leaving_date", "LeavingDate", "date"),
            Item("attendance_pattern", "AttendancePattern"),
            *_UNIT_RP,
            Item("res", "Res", aliases=("RES",)),
            Item("wbp", "WBP", aliases=("WPB",)),
        ),
    ),
    Module(
        "need",
        "SENneed",
        "senneed",
        "active_plan",
        (Item("sen_type", "SENtype"), Item("sen_type_rank", "SENtypeRank", "int")),
    ),
)
MODULE_BY_NAME = {module.name: module for module in MODULES}
#: Every module; a layout that lacks some (the D2I m1-m5 CSVs) says so in ``Sen2Return.modules``.
ALL_MODULES = frozenset(MODULE_BY_NAME)
MODULE_BY_ELEMENT = {module.element.lower(): module for module in MODULES}

#: Fields that identify a person; pseudonymisation drops or transforms every one of them.
PERSONAL_COLUMNS = ("surname", "forename", "birth_date", "postcode", "upn", "uln")


def key_columns(module: Module) -> list[str]:
    """Key columns of a module's table: its own key, its parent's key and the person key."""
    keys = [module.key]
    if module.parent:
        keys.append(MODULE_BY_NAME[module.parent].key)
    if module.name != "person" and "person_key" not in keys:
        keys.append("person_key")
    return keys


def empty_table(module: Module) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in table_columns(module)})


def table_columns(module: Module) -> list[str]:
    return key_columns(module) + module.columns + ["source_row"]


@dataclass
class Sen2Return:
    """One LA's SEN2 return for one collection year, read from XML or CSV.

    ``header`` holds the collection details (``year`` int, ``reference_date`` Timestamp,
    ``lea`` three-digit LA code). ``tables`` maps module name to a typed DataFrame.
    ``source_row`` in each table locates a record in the file (XML: position of the
    ``Person``; CSV: spreadsheet row number in that module's file). ``modules`` names the
    modules the layout carries: a module it cannot carry (placements in the m1-m5 CSVs) has
    an empty table, which means "not in this layout", not "none".
    """

    header: dict
    tables: dict[str, pd.DataFrame]
    file_name: str
    layout: str  # "xml" | "blade_csv" | "module_csv"
    modules: frozenset[str] = ALL_MODULES

    def carries(self, *names: str) -> bool:
        """Whether the layout holds every one of the modules ``names``."""
        return set(names) <= self.modules

    @property
    def year(self) -> int:
        return int(self.header["year"])

    @property
    def reference_date(self) -> pd.Timestamp:
        return pd.Timestamp(self.header["reference_date"])

    @property
    def la_code(self) -> str:
        return str(self.header["lea"])

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]
