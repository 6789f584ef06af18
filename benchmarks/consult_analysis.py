"""Benchmark: analyse 10,000 responses × 8 free-text questions with the default back end.

    .venv/bin/python benchmarks/consult_analysis.py [--responses 10000] [--questions 8]
        [--answer-rate 1.0] [--backend static|minilm]

Builds synthetic responses first (not timed), then times what an analysis run does: validate the
table; agreement tables overall, by respondent type and by version; group differences;
suppressed publication tables; theme discovery (default back end, n_themes="auto") on every
question; themes by stance. Prints wall time per step and in all, and the process's peak
resident memory (which includes building the data). Target: under 60 s and under 2 GiB.
``--backend minilm`` times the optional contextual encoder instead (try ``--responses 1000
--questions 1``: it is too slow for the full run).

Discovery reports its progress as the CLI does (``highneeds.progress``): on a terminal the
CLI's bar is drawn on stderr; the number of progress calls is printed, so their cost is timed.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from highneeds.cli.output import progress_display
from highneeds.consult.analysis.agreement import (
    agreement_table,
    group_differences,
    publication_table,
)
from highneeds.consult.analysis.schema import free_text, validate_responses
from highneeds.consult.analysis.synthetic import build_responses
from highneeds.consult.analysis.themes import ThemeFinder, themes_by_stance


def peak_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument(
        "--answer-rate",
        type=float,
        default=1.0,
        help="share of respondents answering each free-text question",
    )
    parser.add_argument("--backend", default="static", help="theme back end: static or minilm")
    args = parser.parse_args()
    questions = tuple(f"P{i}" for i in range(1, args.questions + 1))

    started = time.perf_counter()
    responses, _ = build_responses(
        args.responses, questions=questions, seed=7, answer_rate=args.answer_rate
    )
    answers = sum((responses[f"{q}__why"] != "").sum() for q in questions)
    print(
        f"built {len(responses):,} responses, {answers:,} free-text answers "
        f"in {time.perf_counter() - started:.1f} s (not counted)"
    )

    timings: dict[str, float] = {}

    def timed(step: str, work):
        began = time.perf_counter()
        result = work()
        timings[step] = time.perf_counter() - began
        return result

    run_started, cpu_started = time.perf_counter(), time.process_time()
    timed("validate", lambda: validate_responses(responses))
    timed(
        "agreement tables",
        lambda: [agreement_table(responses, by=by) for by in (None, "respondent_type", "version")],
    )
    timed(
        "group differences",
        lambda: [group_differences(responses, by=by) for by in ("respondent_type", "version")],
    )
    timed(
        "publication tables",
        lambda: [
            publication_table(responses, q, by)
            for q in questions
            for by in ("respondent_type", "version")
        ],
    )
    themes_found = {}
    calls = 0
    with progress_display() as shown:

        def progress(step: str, done: int, total: int) -> None:
            nonlocal calls
            calls += 1
            shown(f"{question}: {step}", done, total)

        for question in questions:
            texts = free_text(responses, question)
            finder = timed(
                f"themes {question}",
                lambda texts=texts: ThemeFinder(seed=0, backend=args.backend).fit(texts, progress),
            )
            timed(
                f"stance {question}",
                lambda finder=finder, q=question: themes_by_stance(
                    finder.assignments_, responses, q
                ),
            )
            themes_found[question] = finder.n_themes_
    total = time.perf_counter() - run_started
    cpu = time.process_time() - cpu_started

    for step, seconds in timings.items():
        print(f"  {step:<22} {seconds:6.2f} s")
    print(f"themes per question: {themes_found}")
    print(f"progress reports: {calls:,}")
    print(f"total analysis time: {total:.1f} s (target < 60 s)")
    # On a shared machine the wall time counts other people's work too; CPU time does not.
    print(f"CPU time of the analysis: {cpu:.1f} s")
    print(f"peak resident memory: {peak_mib():,.0f} MiB (target < 2,048 MiB)")


if __name__ == "__main__":
    main()
