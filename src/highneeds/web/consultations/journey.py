"""The public journey's state, kept in the session until the response is submitted.

One journey per consultation and version. Answers are held as the forms' cleaned data; on
submit they become a ``services.ResponseData`` and the session copy is cleared, so free text
does not linger in the session table.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass

from . import structure
from .models import Area, Consultation
from .services import ResponseData

VERSION_SLUGS = {"standard": "standard", "easy-read": "easy_read", "young-people": "young_person"}
SLUG_OF_VERSION = {code: slug for slug, code in VERSION_SLUGS.items()}


@dataclass(frozen=True)
class Step:
    """One page of the journey: its URL name, its area position (area pages only), a title."""

    name: str
    title: str
    position: int | None = None


class Journey:
    def __init__(self, session, consultation: Consultation, version: str):
        self.session = session
        self.consultation = consultation
        self.version = version
        self.key = f"consult:{consultation.pk}:{version}"
        self._steps: list[Step] | None = None

    @property
    def state(self) -> dict:
        """The journey so far. Reading never writes to the session: a visitor who only looks
        at pages gets no session row; the first saved answer creates it (``save``)."""
        state = self.session.get(self.key)
        if state is None or "areas" not in state:
            # New journey; a finished one keeps its reference for the confirmation page.
            state = {
                "token": secrets.token_urlsafe(24),
                "about": None,
                "areas": {},
                "equality": None,
                "reference": (state or {}).get("reference"),
            }
        return state

    def save(self, part: str, data, position: int | None = None) -> None:
        state = self.state
        if position is None:
            state[part] = data
        else:
            state["areas"][str(position)] = data
        self.session[self.key] = state
        self.session.modified = True

    def stored(self, part: str, position: int | None = None):
        if position is None:
            return self.state.get(part)
        return self.state["areas"].get(str(position))

    @functools.cached_property
    def areas(self) -> list[Area]:
        """The consultation's areas in order with their proposals (steps, back links, "Part n
        of m", the area and check pages all use them): this process's copy while the
        consultation is unchanged (``structure``)."""
        return list(structure.of(self.consultation).areas)

    def steps(self) -> list[Step]:
        if self._steps is None:
            self._steps = self._all_steps()
        return self._steps

    def _all_steps(self) -> list[Step]:
        steps = [Step("about", "About you")]
        steps += [Step("area", a.title, a.position) for a in self.areas]
        if self.consultation.asks_equality:
            steps.append(Step("equality", "Equality monitoring (optional)"))
        return steps

    def step_index(self, name: str, position: int | None = None) -> int:
        for index, step in enumerate(self.steps()):
            if step.name == name and step.position == position:
                return index
        raise LookupError(name)

    def response_data(self) -> ResponseData:
        """The collected answers, for services.submit_response."""
        about = self.state["about"] or {}
        answers: dict[int, tuple[str, str]] = {}
        for area_answers in self.state["areas"].values():
            for key, value in area_answers.items():
                kind, _, pk = key.partition("_")
                agreement, why = answers.get(int(pk), ("", ""))
                if kind == "agree":
                    agreement = value or ""
                else:
                    why = value or ""
                answers[int(pk)] = (agreement, why)
        return ResponseData(
            version=self.version,
            respondent_type=about.get("respondent_type", ""),
            area_of_residence=about.get("area_of_residence", "") or "",
            organisation_name=about.get("organisation_name", "") or "",
            contact_email=about.get("contact_email", "") or "",
            answers=answers,
            equality={k: v for k, v in (self.state["equality"] or {}).items() if v},
        )

    def finish(self, reference: str) -> None:
        """Forget the answers; remember only the reference for the confirmation page."""
        self.session[self.key] = {"reference": reference}
        self.session.modified = True

    def forget(self) -> None:
        """Drop the answers from the session (they were saved to finish later)."""
        self.session.pop(self.key, None)

    def restore(self, saved: dict) -> None:
        """Put saved answers (``drafts.KEPT``) back, as they were when saved."""
        state = {key: saved.get(key) for key in ("token", "about", "equality")}
        state["areas"] = saved.get("areas") or {}
        state["reference"] = None
        self.session[self.key] = state
        self.session.modified = True

    def has_answers(self) -> bool:
        state = self.session.get(self.key) or {}
        return bool(state.get("about") or state.get("areas") or state.get("equality"))

    def next_step(self) -> Step | None:
        """The first page not yet answered (None when every page has been)."""
        for step in self.steps():
            if self.stored(step.name if step.name != "area" else "areas", step.position) is None:
                return step
        return None

    @property
    def reference(self) -> str | None:
        return (self.session.get(self.key) or {}).get("reference")
