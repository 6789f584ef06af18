"""Establishment lists: which GIAS type of establishment a placement's URN or UKPRN names.

An LA supplies a CSV with columns ``urn``, ``name``, ``gias_type_code`` (and optionally
``ukprn``); the synthetic LA ships a fictional one. The setting of a placement follows from the
GIAS type, refined by the SEN unit / resourced provision flags
(:func:`highneeds.vocabulary.setting_for_establishment`). Placements without URN or UKPRN use
their SENSetting code (OLA, EHE, NEET...).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.vocabulary import setting_code, setting_for_establishment

REQUIRED = ("urn", "name", "gias_type_code")
#: Setting of a placement whose URN/UKPRN is not in the list (a validation rule reports it).
UNKNOWN_SETTING = "unknown"
#: A UKPRN without URN that is not in the list: a provider on the UK register of providers.
UKPRN_SETTING = "fe_ukrlp_provider"


def read_establishments(path: str | Path) -> pd.DataFrame:
    """``urn``, ``ukprn``, ``name``, ``gias_type_code`` (int) from an LA's establishments CSV."""
    path = Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputFileError(f"missing column(s) {', '.join(missing)}", file=path.name, row=1)
    if "ukprn" not in frame.columns:
        frame["ukprn"] = ""
    codes = pd.to_numeric(frame["gias_type_code"], errors="coerce")
    if codes.isna().any():
        row = int(codes.isna().to_numpy().argmax()) + 2
        raise InputFileError("gias_type_code is not a number", file=path.name, row=row)
    frame["gias_type_code"] = codes.astype(int)
    return frame[["urn", "ukprn", "name", "gias_type_code"]]


def demo_establishments() -> pd.DataFrame:
    """The fictional establishments of the synthetic LA (bundled with the package)."""
    ref = resources.files("highneeds.data") / "demo" / "establishments.csv"
    with resources.as_file(ref) as path:
        return read_establishments(path)


def placement_settings(places: pd.DataFrame, establishments: pd.DataFrame) -> pd.Series:
    """Vocabulary setting code of each placement (or plan detail) row; never raises.

    Rows naming an establishment missing from the list get ``"unknown"``; rows with a
    SENSetting code that is not in the vocabulary get ``"unknown"`` too (rules report both).
    """
    types_by_urn = establishments.set_index("urn")["gias_type_code"]
    ukprn_list = establishments[establishments["ukprn"] != ""]
    types_by_ukprn = ukprn_list.set_index("ukprn")["gias_type_code"]
    gias = places["urn"].map(types_by_urn)
    gias = gias.fillna(places["ukprn"].map(types_by_ukprn))
    frame = pd.DataFrame(
        {
            "gias": gias,
            "rp": places["resourced_provision_indicator"].fillna(0).astype(int) == 1,
            "unit": places["sen_unit_indicator"].fillna(0).astype(int) == 1,
        }
    )
    out = pd.Series(UNKNOWN_SETTING, index=places.index, dtype="object")
    known = frame["gias"].notna()
    for (gias_type, rp, unit), rows in frame[known].groupby(["gias", "rp", "unit"]).groups.items():
        try:
            out[rows] = setting_for_establishment(
                int(gias_type), resourced_provision=rp, sen_unit=unit
            )
        except UnknownLabelError:
            out[rows] = UNKNOWN_SETTING
    no_id = places["urn"].isna() & places["ukprn"].isna()
    out[places["urn"].isna() & places["ukprn"].notna() & ~known] = UKPRN_SETTING
    for code, rows in (
        places[no_id & places["sen_setting"].notna()].groupby("sen_setting").groups.items()
    ):
        try:
            out[rows] = setting_code(code)
        except UnknownLabelError:
            out[rows] = UNKNOWN_SETTING
    return out
