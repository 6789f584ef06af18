"""Analysts' review of the themes of one question, kept across machine reruns.

A ``ThemeSet`` holds the themes, every (answer, theme) decision with who made it ('human' or
'machine'), which answers a person has reviewed and a log of human operations. Analysts rename,
add, delete, merge and split themes, assign and unassign themes on an answer and mark answers
reviewed. ``apply_machine_run`` folds in a new machine run without undoing people's work:

- new machine themes are recognised as earlier ones by the answers they hold (best one-to-one
  overlap), so a renamed theme keeps its name, a merged theme's successors still land in the
  merged theme, and deleted or split themes stay gone;
- human decisions (assign, unassign) are never overwritten, and reviewed answers are frozen;
- on unreviewed answers the machine's old proposals are replaced by the new ones.

Everything serialises to plain dicts / JSON so the web app can store it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from highneeds.errors import ModelInputError

HUMAN = "human"
MACHINE = "machine"
CODEBOOK = "codebook"  # a label_origin: the name comes from the council's codebook, not answers
ACTIVE, MERGED, DELETED, SPLIT, RETIRED = "active", "merged", "deleted", "split", "retired"


@dataclass
class ReviewTheme:
    theme_id: str
    label: str
    description: str = ""
    origin: str = MACHINE
    label_origin: str = MACHINE
    status: str = ACTIVE
    merged_into: str | None = None
    split_into: list[str] = field(default_factory=list)
    machine_members: list[str] = field(default_factory=list)  # answers at the last machine run
    top_terms: list[str] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    catch_all: bool = False  # the last machine run found it loose or very large


@dataclass
class Decision:
    """One answer-theme decision. ``assigned`` False records that a person removed the theme."""

    response_id: str
    theme_id: str
    origin: str
    assigned: bool = True
    weight: float | None = None


@dataclass
class ThemeSet:
    question: str
    themes: dict[str, ReviewTheme] = field(default_factory=dict)
    decisions: dict[tuple[str, str], Decision] = field(default_factory=dict)
    reviewed: set[str] = field(default_factory=set)
    log: list[dict] = field(default_factory=list)
    machine_runs: int = 0
    match_overlap: float = 0.3  # least Jaccard overlap to recognise a theme across runs

    # --- looking up ---------------------------------------------------------------------------

    def _theme(self, theme_id: str) -> ReviewTheme:
        if theme_id not in self.themes:
            raise ModelInputError(
                f"question {self.question}: there is no theme {theme_id!r}; "
                f"known themes: {', '.join(self.active_theme_ids())}"
            )
        return self.themes[theme_id]

    def _active(self, theme_id: str) -> ReviewTheme:
        theme = self._theme(theme_id)
        if theme.status != ACTIVE:
            raise ModelInputError(
                f"question {self.question}: theme {theme_id!r} is {theme.status}; use "
                f"{self.resolve(theme_id)!r} instead"
                if self.resolve(theme_id)
                else f"question {self.question}: theme {theme_id!r} is {theme.status}"
            )
        return theme

    def active_theme_ids(self) -> list[str]:
        return [t.theme_id for t in self.themes.values() if t.status == ACTIVE]

    def resolve(self, theme_id: str) -> str | None:
        """The active theme a (possibly merged) theme now lives in; None if deleted or split."""
        seen = set()
        theme = self.themes.get(theme_id)
        while theme is not None and theme.status == MERGED and theme.theme_id not in seen:
            seen.add(theme.theme_id)
            theme = self.themes.get(theme.merged_into or "")
        return theme.theme_id if theme is not None and theme.status == ACTIVE else None

    def _new_id(self, prefix: str) -> str:
        numbers = [int(t[1:]) for t in self.themes if t[:1] == prefix and t[1:].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1:02d}"

    def _record(self, action: str, **details) -> None:
        self.log.append({"action": action, "at": datetime.now(UTC).isoformat(), **details})

    # --- analysts' operations -----------------------------------------------------------------

    def rename(self, theme_id: str, label: str, description: str | None = None) -> None:
        theme = self._active(theme_id)
        theme.label, theme.label_origin = label, HUMAN
        if description is not None:
            theme.description = description
        self._record("rename", theme_id=theme_id, label=label)

    def add_theme(self, label: str, description: str = "") -> str:
        theme_id = self._new_id("H")
        self.themes[theme_id] = ReviewTheme(
            theme_id, label, description, origin=HUMAN, label_origin=HUMAN
        )
        self._record("add_theme", theme_id=theme_id, label=label)
        return theme_id

    def delete_theme(self, theme_id: str) -> None:
        self._active(theme_id).status = DELETED
        for key in [k for k in self.decisions if k[1] == theme_id]:
            del self.decisions[key]
        self._record("delete_theme", theme_id=theme_id)

    def merge(self, theme_ids: list[str], into: str | None = None, label: str | None = None) -> str:
        """Merge themes into ``into`` (default: the first); answers keep their decisions' origin."""
        target = into or theme_ids[0]
        self._active(target)
        for source in theme_ids:
            if source == target:
                continue
            self._active(source).status = MERGED
            self.themes[source].merged_into = target
            for (response_id, theme_id), decision in list(self.decisions.items()):
                if theme_id != source:
                    continue
                del self.decisions[(response_id, theme_id)]
                existing = self.decisions.get((response_id, target))
                if existing is None or (existing.origin == MACHINE and decision.origin == HUMAN):
                    self.decisions[(response_id, target)] = Decision(
                        response_id, target, decision.origin, decision.assigned, decision.weight
                    )
        if label:
            self.themes[target].label, self.themes[target].label_origin = label, HUMAN
        self._record("merge", theme_ids=list(theme_ids), into=target)
        return target

    def split(self, theme_id: str, labels: list[str], placement: dict[str, int]) -> list[str]:
        """Split a theme into new themes named ``labels``.

        ``placement`` maps answer ids to the index (0-based) of the new theme they go to; these
        become human decisions. Answers of the old theme not placed lose it.
        """
        self._active(theme_id)
        new_ids = [self.add_theme(label) for label in labels]
        for key in [k for k in self.decisions if k[1] == theme_id]:
            del self.decisions[key]
        for response_id, index in placement.items():
            self.decisions[(response_id, new_ids[index])] = Decision(
                response_id, new_ids[index], HUMAN
            )
        theme = self.themes[theme_id]
        theme.status, theme.split_into = SPLIT, new_ids
        self._record("split", theme_id=theme_id, into=new_ids)
        return new_ids

    def assign(self, response_id: str, theme_id: str) -> None:
        self._active(theme_id)
        self.decisions[(response_id, theme_id)] = Decision(response_id, theme_id, HUMAN, True)
        self._record("assign", response_id=response_id, theme_id=theme_id)

    def unassign(self, response_id: str, theme_id: str) -> None:
        self._active(theme_id)
        self.decisions[(response_id, theme_id)] = Decision(response_id, theme_id, HUMAN, False)
        self._record("unassign", response_id=response_id, theme_id=theme_id)

    def propose(self, response_id: str, theme_id: str, weight: float | None = None) -> None:
        """The machine proposes ``theme_id`` for an answer nobody reviewed or decided on."""
        if response_id in self.reviewed or (response_id, theme_id) in self.decisions:
            return
        self.decisions[(response_id, theme_id)] = Decision(
            response_id, theme_id, MACHINE, True, weight
        )

    def mark_reviewed(self, response_ids: list[str] | str) -> None:
        ids = [response_ids] if isinstance(response_ids, str) else list(response_ids)
        self.reviewed.update(ids)
        self._record("mark_reviewed", response_ids=ids)

    # --- erasure ------------------------------------------------------------------------------

    def forget(self, response_ids, *, text_only: bool = False) -> None:
        """Remove answers from the theme set, as if they had never been given.

        Used when a response is erased: its decisions, reviewed mark, quotes, membership of the
        last machine run and every log entry naming it go. ``text_only`` keeps the answers'
        theme decisions (their counts stay, anonymously) and removes only copies of their text
        (the quotes), for retention erasure of free text.
        """
        gone = {str(r) for r in response_ids}
        for theme in self.themes.values():
            theme.quotes = [q for q in theme.quotes if str(q["response_id"]) not in gone]
        if text_only:
            return
        self.decisions = {k: d for k, d in self.decisions.items() if k[0] not in gone}
        self.reviewed -= gone
        for theme in self.themes.values():
            theme.machine_members = [m for m in theme.machine_members if m not in gone]
        kept_log = []
        for entry in self.log:
            if str(entry.get("response_id")) in gone:
                continue
            if "response_ids" in entry:
                entry = {
                    **entry,
                    "response_ids": [r for r in entry["response_ids"] if r not in gone],
                }
            kept_log.append(entry)
        self.log = kept_log

    # --- machine runs -------------------------------------------------------------------------

    @classmethod
    def from_machine(cls, question: str, themes: list, assignments: pd.DataFrame) -> ThemeSet:
        """A new theme set from a ThemeFinder's ``themes_`` and ``assignments_``."""
        theme_set = cls(question=question)
        theme_set.apply_machine_run(themes, assignments)
        return theme_set

    def apply_machine_run(
        self,
        themes: list,
        assignments: pd.DataFrame,
        *,
        keep_listed: bool = False,
        same_as: dict[str, str | None] | None = None,
    ) -> dict[str, str | None]:
        """Fold in a new machine run; returns each new machine theme id -> theme id it landed in.

        ``keep_listed`` (codebook mode): every theme the run lists stays available even when
        no answer carries it yet, so people can hand-code it; otherwise a machine theme that
        nobody carries any more is retired. ``same_as`` (codebook mode: the last run's
        landing) says which earlier theme a new one is, so a codebook theme is the same theme
        from run to run whatever answers it holds; the others are recognised by overlap."""
        new_members: dict[str, set[str]] = {t.theme_id: set() for t in themes}
        for row in assignments.itertuples():
            new_members[row.theme_id].add(str(row.response_id))
        known = [t for t in self.themes.values() if t.origin == MACHINE]
        given = {
            new: old
            for new, old in (same_as or {}).items()
            if new in new_members and old in self.themes
        }
        matched = self._match(
            {k: v for k, v in new_members.items() if k not in given},
            [t for t in known if t.theme_id not in given.values()],
        )
        matched.update(given)
        landing: dict[str, str | None] = {}
        for theme in themes:
            members = sorted(new_members[theme.theme_id])
            previous = matched.get(theme.theme_id)
            if previous is None:
                previous = self._new_id("M")
                self.themes[previous] = ReviewTheme(previous, theme.label, theme.description)
            record = self.themes[previous]
            if record.status == RETIRED:
                record.status = ACTIVE  # found again
            record.machine_members = members
            record.top_terms = list(theme.top_terms)
            record.catch_all = bool(getattr(theme, "catch_all", False))
            record.quotes = [{"response_id": q.response_id, "text": q.text} for q in theme.quotes]
            if record.label_origin != HUMAN:
                record.label, record.description = theme.label, theme.description
                # The caller says when the name is the codebook's (coding.codebook_run).
                record.label_origin = MACHINE
            landing[theme.theme_id] = self.resolve(previous)
        for record in known:
            if record.theme_id not in matched.values() and record.status == ACTIVE:
                record.machine_members = []
        # Replace machine proposals on answers nobody has reviewed; keep every human decision.
        for key, decision in list(self.decisions.items()):
            if decision.origin == MACHINE and key[0] not in self.reviewed:
                del self.decisions[key]
        for row in assignments.itertuples():
            response_id, target = str(row.response_id), landing.get(row.theme_id)
            if target is None or response_id in self.reviewed:
                continue
            if (response_id, target) in self.decisions:
                continue  # a person decided, or two merged machine themes both propose it
            weight = getattr(row, "weight", None)
            self.decisions[(response_id, target)] = Decision(
                response_id, target, MACHINE, True, None if weight is None else float(weight)
            )
        listed = set(landing.values()) if keep_listed else set()
        for record in self.themes.values():
            if (
                record.status == ACTIVE
                and record.origin == MACHINE
                and record.theme_id not in listed
                and record.label_origin != HUMAN
                and not any(
                    d.theme_id == record.theme_id and (d.assigned or d.origin == HUMAN)
                    for d in self.decisions.values()
                )
            ):
                # The machine no longer finds it, and nobody named it or used it.
                record.status = RETIRED
        self.machine_runs += 1
        return landing

    def _match(self, new_members: dict[str, set[str]], known: list[ReviewTheme]) -> dict:
        if not new_members or not known:
            return {}
        new_ids = list(new_members)
        old_sets = [set(t.machine_members) for t in known]
        overlap = np.array(
            [
                [len(new_members[n] & o) / max(len(new_members[n] | o), 1) for o in old_sets]
                for n in new_ids
            ]
        )
        rows, cols = linear_sum_assignment(-overlap)
        return {
            new_ids[r]: known[c].theme_id
            for r, c in zip(rows, cols, strict=True)
            if overlap[r, c] >= self.match_overlap
        }

    # --- reading ------------------------------------------------------------------------------

    def assignments_frame(self) -> pd.DataFrame:
        """Current assignments: response_id, theme_id, label, origin ('human' or 'machine')."""
        rows = [
            {
                "response_id": d.response_id,
                "theme_id": d.theme_id,
                "label": self.themes[d.theme_id].label,
                "origin": d.origin,
            }
            for d in self.decisions.values()
            if d.assigned and self.themes[d.theme_id].status == ACTIVE
        ]
        return pd.DataFrame(rows, columns=["response_id", "theme_id", "label", "origin"])

    def export_table(self, ids: dict[str, str] | None = None) -> pd.DataFrame:
        """One row per answer and theme for download: id, theme_id, theme_label, assigned_by
        ('person' for a person's decision or an answer a person reviewed, else 'machine') and
        confidence (1 for a person; the machine's own, 0-1, when the run gave one).

        ``ids`` maps answer ids to the ids people know them by (a survey export's own)."""
        from highneeds.consult.analysis.survey import ASSIGNMENT_COLUMNS, MACHINE_CODER, PERSON

        ids = ids or {}
        rows = []
        for d in self.decisions.values():
            if not d.assigned or self.themes[d.theme_id].status != ACTIVE:
                continue
            person = d.origin == HUMAN or d.response_id in self.reviewed
            sure = 1.0 if person else (np.nan if d.weight is None else round(d.weight, 3))
            rows.append(
                (
                    ids.get(d.response_id, d.response_id),
                    d.theme_id,
                    self.themes[d.theme_id].label,
                    PERSON if person else MACHINE_CODER,
                    sure,
                )
            )
        return pd.DataFrame(sorted(rows, key=lambda r: (r[0], r[1])), columns=ASSIGNMENT_COLUMNS)

    def labels_by_response(self, response_ids: list[str] | None = None) -> dict[str, set[str]]:
        result: dict[str, set[str]] = {r: set() for r in response_ids or []}
        for row in self.assignments_frame().itertuples():
            result.setdefault(row.response_id, set()).add(row.theme_id)
        return result

    def hand_coded(self) -> dict[str, set[str]]:
        """The answers people coded, with the themes they gave them.

        An answer a person marked reviewed carries all its current themes; an answer a person
        only gave or took away a theme on carries the themes people gave it."""
        coded: dict[str, set[str]] = {}
        for decision in self.decisions.values():
            if decision.origin == HUMAN:
                coded.setdefault(decision.response_id, set())
                if decision.assigned and self.themes[decision.theme_id].status == ACTIVE:
                    coded[decision.response_id].add(decision.theme_id)
        reviewed = self.labels_by_response(sorted(self.reviewed))
        return {**coded, **{r: reviewed.get(r, set()) for r in self.reviewed}}

    def least_sure(self, sure: float = 0.75) -> tuple[list[str], int]:
        """Answers nobody coded whose machine themes carry a confidence, least sure first
        (by their least likely theme), and how many of them are ``sure`` of every theme."""
        coded = self.hand_coded()
        lowest: dict[str, float] = {}
        for d in self.decisions.values():
            counts = d.origin == MACHINE and d.assigned and d.weight is not None
            if counts and d.response_id not in coded and self.themes[d.theme_id].status == ACTIVE:
                lowest[d.response_id] = min(lowest.get(d.response_id, 1.0), d.weight)
        order = sorted(lowest, key=lambda r: (lowest[r], r))
        return order, sum(value >= sure for value in lowest.values())

    def summary(self, answers: int | None = None) -> dict:
        """How much people reviewed: answers reviewed and the share of assignments by a person."""
        frame = self.assignments_frame()
        human = int((frame["origin"] == HUMAN).sum())
        return {
            "question": self.question,
            "themes": len(self.active_theme_ids()),
            "answers": answers,
            "answers_reviewed": len(self.reviewed),
            "answers_coded": len(self.hand_coded()),
            "reviewed_share": (len(self.reviewed) / answers) if answers else None,
            "assignments": len(frame),
            "assignments_by_people": human,
            "assignments_by_machine": len(frame) - human,
            "machine_runs": self.machine_runs,
        }

    # --- storage ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "themes": [asdict(t) for t in self.themes.values()],
            "decisions": [asdict(d) for d in self.decisions.values()],
            "reviewed": sorted(self.reviewed),
            "log": self.log,
            "machine_runs": self.machine_runs,
            "match_overlap": self.match_overlap,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ThemeSet:
        decisions = [Decision(**d) for d in data.get("decisions", [])]
        return cls(
            question=data["question"],
            themes={t["theme_id"]: ReviewTheme(**t) for t in data.get("themes", [])},
            decisions={(d.response_id, d.theme_id): d for d in decisions},
            reviewed=set(data.get("reviewed", [])),
            log=list(data.get("log", [])),
            machine_runs=int(data.get("machine_runs", 0)),
            match_overlap=float(data.get("match_overlap", 0.3)),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ThemeSet:
        return cls.from_dict(json.loads(text))
