"""Progress of long analyses: the core tells a callback what it has done, the CLI draws it.

The core's counts must be the work really done (answers read, counts tried, runs made, themes
named), in order, ending complete; asking for progress must not change any result; and the
CLI must write the same output with the bar drawn as without it.
"""

import io
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from highneeds.cli import output
from highneeds.cli.main import app
from highneeds.consult.analysis.codebook import CodebookClassifier, codebook_from_frame
from highneeds.consult.analysis.coding import BY_QUESTION, codebook_theme_sets
from highneeds.consult.analysis.embedding import (
    ENCODE_CHUNK,
    READING,
    StaticEmbedding,
    encode_reporting,
)
from highneeds.consult.analysis.report_data import report_data
from highneeds.consult.analysis.schema import free_text
from highneeds.consult.analysis.synthetic import build_responses, codebook_frame
from highneeds.consult.analysis.themes import COUNTING, GROUPING, NAMING, ThemeFinder
from highneeds.progress import within


class Recorder:
    """A progress callback that keeps every call."""

    def __init__(self):
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, step: str, done: int, total: int) -> None:
        self.calls.append((step, done, total))

    def steps(self) -> list[str]:
        """Steps in the order they were first announced."""
        return list(dict.fromkeys(step for step, _, _ in self.calls))

    def by_step(self) -> dict[str, list[tuple[int, int]]]:
        found = defaultdict(list)
        for step, done, total in self.calls:
            found[step].append((done, total))
        return found


def assert_each_step_counts_up_to_its_total(recorder: Recorder) -> None:
    for step, counts in recorder.by_step().items():
        totals = {total for _, total in counts}
        assert len(totals) == 1, f"{step}: the total changed within the step: {totals}"
        done = [d for d, _ in counts]
        assert done[0] == 0, f"{step} was not announced before its work"
        assert done == sorted(done), f"{step} went backwards: {done}"
        assert done[-1] == counts[-1][1], f"{step} did not end complete: {counts[-1]}"


@pytest.fixture(scope="module")
def responses():
    frame, _ = build_responses(600, questions=("P1", "P2"), seed=3, answer_rate=1.0)
    return frame


@pytest.fixture(scope="module")
def answers(responses):
    texts = free_text(responses, "P1")
    assert len(texts) > 2 * ENCODE_CHUNK  # enough for the reading step to report in chunks
    return texts


@pytest.fixture(scope="module")
def watched(answers):
    recorder = Recorder()
    return recorder, ThemeFinder(seed=0).fit(answers, recorder)


def test_discovery_reports_each_step_with_the_work_done(answers, watched):
    recorder, finder = watched
    assert recorder.steps() == [READING, COUNTING, GROUPING, NAMING]
    assert_each_step_counts_up_to_its_total(recorder)
    counts = recorder.by_step()
    assert counts[READING][-1] == (len(answers), len(answers))
    # Answers are read in chunks, each reported: 0, 256, 512, …, all.
    assert [d for d, _ in counts[READING]][:3] == [0, ENCODE_CHUNK, 2 * ENCODE_CHUNK]
    assert counts[COUNTING][-1][1] == 13  # theme counts 4 to 16 tried
    assert counts[GROUPING][-1][1] == 20  # k-means runs in the consensus
    assert len(counts[GROUPING]) == 21
    assert counts[NAMING][-1] == (finder.n_themes_, finder.n_themes_)


def test_asking_for_progress_changes_no_result(answers, watched):
    _, finder = watched
    unwatched = ThemeFinder(seed=0).fit(answers)
    assert [t.label for t in finder.themes_] == [t.label for t in unwatched.themes_]
    pd.testing.assert_frame_equal(finder.assignments_, unwatched.assignments_)


def test_reading_in_chunks_gives_the_vectors_of_reading_at_once(answers):
    encoder = StaticEmbedding().fit(answers.tolist())
    recorder = Recorder()
    chunked = encode_reporting(encoder, answers.tolist(), recorder)
    assert np.array_equal(chunked, encoder.encode(answers.tolist()))
    assert len(recorder.calls) == 1 + -(-len(answers) // ENCODE_CHUNK)


def test_the_tfidf_back_end_reports_too(answers):
    recorder = Recorder()
    ThemeFinder(backend="tfidf", seed=0).fit(answers, recorder)
    assert recorder.steps() == [GROUPING, NAMING]
    assert_each_step_counts_up_to_its_total(recorder)


def test_codebook_mode_reports_the_answers_read(answers):
    book = codebook_from_frame(codebook_frame()).for_question("P1")
    recorder = Recorder()
    CodebookClassifier(book).fit(answers, {}, recorder)
    assert recorder.steps() == [READING]
    assert recorder.calls[-1] == (READING, len(answers), len(answers))
    assert_each_step_counts_up_to_its_total(recorder)


def test_many_questions_name_the_question_in_each_step(responses):
    responses = responses.head(300)
    recorder = Recorder()
    report_data(responses, progress=recorder)
    for number, question in enumerate(("P1", "P2"), start=1):
        prefix = f"Question {number} of 2 ({question}): "
        steps = [s.removeprefix(prefix) for s in recorder.steps() if s.startswith(prefix)]
        assert steps == [
            "reading the answers' meaning",
            "choosing the number of themes",
            "grouping the answers",
            "naming the themes",
        ]
        reading = recorder.by_step()[prefix + "reading the answers' meaning"]
        assert reading[-1] == (len(free_text(responses, question)),) * 2
    assert_each_step_counts_up_to_its_total(recorder)
    # Questions done are counted apart (a job page's percentage listens for this step only),
    # each after its question's last step.
    assert recorder.by_step()[BY_QUESTION] == [(0, 2), (1, 2), (2, 2)]
    first_done = recorder.calls.index((BY_QUESTION, 1, 2))
    assert recorder.calls[first_done - 1][0] == "Question 1 of 2 (P1): naming the themes"

    coded = Recorder()
    codebook_theme_sets(responses, codebook_from_frame(codebook_frame()), coded)
    assert coded.steps() == [
        BY_QUESTION,
        "Question 1 of 2 (P1): reading the answers' meaning",
        "Question 2 of 2 (P2): reading the answers' meaning",
    ]


def test_within_leaves_no_progress_as_it_is():
    from highneeds.progress import no_progress

    assert within(no_progress, "Question 1 of 2 (P1)") is no_progress


@pytest.fixture
def drawn(monkeypatch):
    """The CLI's error console as an interactive terminal writing into a buffer."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, force_interactive=True, width=120)
    monkeypatch.setattr(output, "errors", console)
    return screen


@pytest.fixture
def export(tmp_path, answers):
    path = tmp_path / "export.csv"
    shown = answers.head(300)
    pd.DataFrame({"id": shown.index, "text": shown.to_numpy()}).to_csv(path, index=False)
    return path


def run(*args):
    result = CliRunner().invoke(app, ["consult", *map(str, args)])
    assert result.exit_code == 0, result.output
    return result


def test_themes_command_draws_progress_and_writes_the_same_output(export, tmp_path, drawn):
    args = ("themes", export, "--id-column", "id", "--text-column", "text")
    with_bar = run(*args, "--assignments", tmp_path / "drawn.csv")
    assert "Naming the themes" in drawn.getvalue()  # the bar's last state, on stderr
    assert "Naming the themes" not in with_bar.stdout
    assert "Themes in 'text'" in with_bar.stdout

    screen = drawn.getvalue()
    quiet = Console(file=io.StringIO(), width=120)  # not a terminal: no bar
    output.errors = quiet
    without = run(*args, "--assignments", tmp_path / "plain.csv")
    assert quiet.file.getvalue() == ""

    # The same tables; only the file named differs (the line may wrap inside its name).
    def joined(text: str) -> str:
        return "".join(text.split())

    assert joined(with_bar.stdout).replace("drawn.csv", "plain.csv") == joined(without.stdout)
    assert (tmp_path / "drawn.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
    assert screen.count("\n") < 200  # redrawn in place, not a line per update


def test_code_command_draws_progress_and_writes_the_assignments(export, tmp_path, drawn):
    codebook = tmp_path / "codebook.csv"
    frame = codebook_frame()
    frame[frame["question"] == "P1"].to_csv(codebook, index=False)
    out = tmp_path / "coded.csv"
    result = run(
        "code", export, "--id-column", "id", "--text-column", "text",
        "--codebook", codebook, "--assignments", out,
    )  # fmt: skip
    assert "Coding the answers" in drawn.getvalue()
    assert "Answers by theme" in result.stdout
    table = pd.read_csv(out, dtype={"id": str})
    assert set(table["assigned_by"]) == {"machine"}
    assert set(table["id"]) <= set(pd.read_csv(export, dtype={"id": str})["id"])


def test_report_command_draws_progress_question_by_question(responses, tmp_path, drawn):
    source = tmp_path / "responses.csv"
    responses.head(200).to_csv(source, index=False)
    out = tmp_path / "report.html"
    run("report", source, "--out", out)
    screen = drawn.getvalue()
    assert "Question 2 of 2 (P2)" in screen
    assert "Laying out the report" in screen
    assert out.read_text().count("<html") == 1
