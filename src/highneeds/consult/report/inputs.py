"""The council's own words for the report: titles, what it asked and what it will do.

A "we did" file (YAML, JSON or TOML) looks like::

    title: Support for children with SEND – what you told us
    council: Stockbridge Council
    period: 1 March to 31 May 2026
    notice: ""            # e.g. "Demo: synthetic responses" – printed on every page if set
    introduction: Why we consulted, in a paragraph.
    proposals:
      P1:
        title: Early help and SEN support
        we_asked: Give mainstream schools more money and advice ...
        we_did: We will start the outreach team in September ...

Every key is optional; a proposal without ``we_did`` is shown as "not yet completed" so a draft
report can be printed before the decision.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from highneeds.errors import InputFileError

_TOP_KEYS = {"title", "council", "period", "notice", "introduction", "proposals"}
_PROPOSAL_KEYS = {"title", "we_asked", "we_did"}


@dataclass
class ProposalOutcome:
    title: str = ""
    we_asked: str = ""
    we_did: str = ""


@dataclass
class WeDid:
    title: str = "Consultation outcome report"
    council: str = ""
    period: str = ""
    notice: str = ""
    introduction: str = ""
    proposals: dict[str, ProposalOutcome] = field(default_factory=dict)

    def for_proposal(self, code: str) -> ProposalOutcome:
        return self.proposals.get(code, ProposalOutcome())

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "council": self.council,
            "period": self.period,
            "notice": self.notice,
            "introduction": self.introduction,
            "proposals": {
                code: {"title": p.title, "we_asked": p.we_asked, "we_did": p.we_did}
                for code, p in self.proposals.items()
            },
        }


def _text(value: object, where: str, file: str | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise InputFileError(f"{where} must be text", file=file, column=where)
    return str(value).strip()


def we_did_from_dict(data: dict, *, file: str | None = None) -> WeDid:
    """Check and read a "we did" mapping; unknown keys stop with the key named (likely typos)."""
    if not isinstance(data, dict):
        raise InputFileError("the file must hold a mapping of keys to text", file=file)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise InputFileError(
            f"unknown key {sorted(unknown)[0]!r}",
            file=file,
            column=sorted(unknown)[0],
            hint="keys: " + ", ".join(sorted(_TOP_KEYS)),
        )
    proposals = {}
    raw = data.get("proposals") or {}
    if not isinstance(raw, dict):
        raise InputFileError("'proposals' must map proposal codes (P1, P2…) to text", file=file)
    for code, fields in raw.items():
        if not isinstance(fields, dict):
            raise InputFileError(
                f"proposal {code!r} must have title, we_asked and we_did", file=file, column=code
            )
        bad = set(fields) - _PROPOSAL_KEYS
        if bad:
            raise InputFileError(
                f"unknown key {sorted(bad)[0]!r} under proposal {code!r}",
                file=file,
                column=f"proposals.{code}.{sorted(bad)[0]}",
                hint="keys: " + ", ".join(sorted(_PROPOSAL_KEYS)),
            )
        proposals[str(code)] = ProposalOutcome(
            **{k: _text(fields.get(k), f"proposals.{code}.{k}", file) for k in _PROPOSAL_KEYS}
        )
    defaults = WeDid()
    top = {k: _text(data.get(k), k, file) for k in _TOP_KEYS - {"proposals"}}
    top["title"] = top["title"] or defaults.title
    return WeDid(**top, proposals=proposals)


def read_we_did(path: str | Path) -> WeDid:
    """Read a "we did" file (.yaml/.yml, .json or .toml)."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found", file=str(path))
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        elif suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            data = tomllib.loads(text)
        else:
            raise InputFileError(
                "unknown file type", file=str(path), hint="use .yaml, .json or .toml"
            )
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise InputFileError(f"cannot read the file: {error}", file=str(path)) from error
    except Exception as error:  # yaml.YAMLError without importing yaml at module level
        if type(error).__module__.startswith("yaml"):
            raise InputFileError(f"cannot read the file: {error}", file=str(path)) from error
        raise
    return we_did_from_dict(data, file=str(path))
