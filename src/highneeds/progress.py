"""Progress of long work, told through a callback: the core counts, the shells draw.

A long core function takes ``progress: Progress`` and calls it as ``progress(step, done,
total)``: ``step`` says in words what is being done ("Reading the answers' meaning"), and
``done`` of ``total`` units of that step are finished. A step is announced with ``done=0``
and ends with ``done=total``; ``total`` stays the same within a step. The CLI draws a
progress bar from these calls (``highneeds.cli.output.progress_display``); the core never
draws anything and never imports a terminal library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

Progress = Callable[[str, int, int], None]


def no_progress(step: str, done: int, total: int) -> None:
    """The default callback: tell nobody."""


def within(progress: Progress, prefix: str) -> Progress:
    """A callback that reports to ``progress`` with ``prefix`` before each step's words, so
    the steps of one part of a larger job say which part they belong to."""
    if progress is no_progress:
        return no_progress

    def report(step: str, done: int, total: int) -> None:
        progress(f"{prefix}: {step[:1].lower()}{step[1:]}", done, total)

    return report


def in_parts(
    progress: Progress, step: str, names: list[str], part: str
) -> Iterator[tuple[str, Progress]]:
    """Walk ``names`` (the parts of a larger job, e.g. questions), yielding each with the
    callback its own work reports to: its steps are named "Question 2 of 8 (P2): …" when
    ``part`` is "Question". ``progress(step, done, total)`` counts the parts finished, so a
    shell that wants only the parts (a job page's percentage) listens for ``step``."""
    total = len(names)
    progress(step, 0, total)
    for number, name in enumerate(names, start=1):
        yield name, within(progress, f"{part} {number:,} of {total:,} ({name})")
        progress(step, number, total)
