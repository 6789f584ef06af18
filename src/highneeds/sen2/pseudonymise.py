"""Replace who a child is by a keyed hash, and keep only what the models need.

``child_id`` = HMAC-SHA256 (key: the installation secret ``HIGHNEEDS_SECRET``) of the UPN,
or the ULN when there is no UPN, or, failing both, of surname + forename + birth date. The
same child therefore links across years, while nobody without the secret can recompute or
reverse the id. Names, postcodes, UPN, ULN and the full birth date are dropped; the birth
month (``YYYY-MM``) and the national curriculum year at the census are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd

from highneeds import config
from highneeds.errors import HighneedsError
from highneeds.vocabulary import AGE_OFFSET

#: Hex characters kept from the HMAC: 80 bits, collision-free for any LA's caseload.
ID_LENGTH = 20
_GENDER_TO_SEX = {"1": "M", "2": "F", "0": "U", "9": "U", "M": "M", "F": "F", "U": "U"}


class MissingSecretError(HighneedsError):
    """SEN2 data cannot be stored without an installation secret to key the pseudonyms."""

    def __init__(self) -> None:
        super().__init__(
            "HIGHNEEDS_SECRET is not set: SEN2 records cannot be imported without it, because "
            "children's UPNs are replaced by a hash keyed with that secret. Set HIGHNEEDS_SECRET "
            "to a long random value (for example `python -c 'import secrets; "
            "print(secrets.token_hex(32))'`), keep it safe and use the same value every year."
        )


def require_secret() -> bytes:
    secret = config.installation_secret()
    if not secret:
        raise MissingSecretError()
    return secret


def secret_fingerprint(key: bytes) -> str:
    """A short public fingerprint of ``key``: tells two secrets apart, reveals neither. The
    store keeps it per LA so that a return pseudonymised under another secret is refused."""
    return _hmac(key, "highneeds secret fingerprint")[:16]


class SecretChangedError(HighneedsError):
    """A return would be pseudonymised under a different secret from the LA's stored years."""

    def __init__(self, la_code: str, stored: str, given: str) -> None:
        super().__init__(
            f"HIGHNEEDS_SECRET is not the secret LA {la_code}'s stored SEN2 returns were "
            f"pseudonymised with (its fingerprint is {given}; the store's is {stored}). Importing "
            "under it would give every child a new id, so every child would look like a leaver "
            "and a joiner and the forecast would learn that everyone leaves. Nothing was "
            "imported: set HIGHNEEDS_SECRET back to the installation's secret (see "
            "docs/operations.md, secret escrow)."
        )


def session_key() -> bytes:
    """A throwaway key for reports made without importing: ids are stable only within a run."""
    return secrets.token_bytes(32)


def _hmac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:ID_LENGTH]


def child_ids(person: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """``person_key``, ``child_id`` and ``id_basis`` ("upn" | "uln" | "name_dob" | "none")."""
    upn = person["upn"].fillna("").str.upper().str.strip()
    uln = person["uln"].fillna("").str.strip()
    birth = person["birth_date"].dt.strftime("%Y-%m-%d").fillna("")
    name = (
        person["surname"].fillna("").str.lower().str.replace(r"[^a-z]", "", regex=True)
        + "|"
        + person["forename"].fillna("").str.lower().str.replace(r"[^a-z]", "", regex=True)
    )
    basis = pd.Series("name_dob", index=person.index)
    basis[uln != ""] = "uln"
    basis[upn != ""] = "upn"
    basis[(basis == "name_dob") & ((name == "|") | (birth == ""))] = "none"
    text = ("nd:" + name + "|" + birth).where(basis == "name_dob", "")
    text = text.mask(basis == "uln", "uln:" + uln).mask(basis == "upn", "upn:" + upn)
    ids = [
        _hmac(key, value) if kind != "none" else _hmac(key, f"row:{row}")
        for value, kind, row in zip(text, basis, person["person_key"], strict=True)
    ]
    return pd.DataFrame(
        {"person_key": person["person_key"], "child_id": ids, "id_basis": basis.to_numpy()}
    )


def ncy_at_census(birth_date: pd.Series, year: int) -> pd.Series:
    """NCY in the school year holding the January census of ``year`` (age on 31 Aug - 4)."""
    born = pd.to_datetime(birth_date)
    age = (year - 1) - born.dt.year - (born.dt.month >= 9).astype("Int64")
    return (age - AGE_OFFSET).astype("Int64")


def pseudonymise_persons(person: pd.DataFrame, year: int, key: bytes) -> pd.DataFrame:
    """The person table with nothing identifying left: see the module docstring."""
    ids = child_ids(person, key)
    sex = person["sex"].fillna(person["gender_current"]).map(_GENDER_TO_SEX)
    return pd.DataFrame(
        {
            "person_key": person["person_key"],
            "child_id": ids["child_id"],
            "id_basis": ids["id_basis"],
            "birth_month": person["birth_date"].dt.strftime("%Y-%m"),
            "ncy": ncy_at_census(person["birth_date"], year),
            "sex": sex.astype("string"),
            "ethnicity": person["ethnicity"].astype("string"),
            "upn_unknown": person["upn_unknown"].astype("string"),
        }
    )
