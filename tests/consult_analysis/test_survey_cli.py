"""Any survey export in and out: ``consult themes`` and ``consult code`` on a Pol.is export.

The export is built from real Pol.is statements (../shared/data, CC BY 4.0) with two columns,
id and text, and nothing else, as a survey tool would give them.
"""

import csv

import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.main import app
from highneeds.consult.analysis.survey import (
    ASSIGNMENT_COLUMNS,
    SurveyColumns,
    read_survey,
    stance_of_label,
    survey_answers,
)
from highneeds.errors import InputFileError

CONVERSATION = "scoop-hivemind.biodiversity"  # not in the labelled set: plain input here

CODEBOOK = [
    ("pests", "Pest control", "Killing or controlling pests and predators: traps, poisons, 1080."),
    (
        "land",
        "Private land",
        "Landowners, farms and property rights and protecting nature on them.",
    ),
    ("money", "Funding", "Paying for conservation: government funding, grants and budgets."),
    ("people", "Who takes part", "Volunteers, communities, iwi and hunters taking part."),
]


@pytest.fixture
def polis_export(tmp_path, shared_data):
    """comment id and text only, as a Pol.is export gives them."""
    source = shared_data / "polis-conversations" / CONVERSATION / "comments.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["moderated"] == "1"]
    path = tmp_path / "export.csv"
    pd.DataFrame(
        {
            "comment-id": [r["comment-id"] for r in rows],
            "comment-body": [r["comment-body"] for r in rows],
        }
    ).to_csv(path, index=False)
    return path


def code(export, codebook, coded, out):
    return run(
        "code", export, "--id-column", "comment-id", "--text-column", "comment-body",
        "--codebook", codebook, "--coded", coded, "--assignments", out,
    )  # fmt: skip


def run(*args):
    result = CliRunner().invoke(app, ["consult", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def test_themes_on_a_text_only_export_writes_one_row_per_answer_and_theme(polis_export, tmp_path):
    out = tmp_path / "themes.csv"
    result = run(
        "themes",
        polis_export,
        "--id-column",
        "comment-id",
        "--text-column",
        "comment-body",
        "--assignments",
        out,
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"id": str})
    assert tuple(table.columns) == ASSIGNMENT_COLUMNS
    ids = set(pd.read_csv(polis_export, dtype=str)["comment-id"])
    assert set(table["id"]) <= ids
    assert len(set(table["id"])) >= 0.9 * len(ids)  # nearly every answer gets a theme
    assert set(table["assigned_by"]) == {"machine"}
    assert table["confidence"].between(0, 1).all()
    per_answer = table.groupby("id").size()
    assert per_answer.median() <= 3


def test_code_keeps_hand_codes_and_proposes_the_rest(polis_export, tmp_path):
    codebook = tmp_path / "codebook.csv"
    pd.DataFrame(CODEBOOK, columns=["theme_id", "label", "description"]).to_csv(
        codebook, index=False
    )
    texts = pd.read_csv(polis_export, dtype=str)
    pests = texts[texts["comment-body"].str.contains("pest|trap|1080|predator", case=False)]
    coded = tmp_path / "coded.csv"
    hand = pd.DataFrame({"id": pests["comment-id"].head(5), "theme_id": "pests"})
    hand.to_csv(coded, index=False)
    out = tmp_path / "coded-out.csv"
    result = code(polis_export, codebook, coded, out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"id": str})
    by_person = table[table["assigned_by"] == "person"]
    assert sorted(by_person["id"]) == sorted(hand["id"])
    assert set(by_person["theme_id"]) == {"pests"} and (by_person["confidence"] == 1).all()
    machine = table[table["assigned_by"] == "machine"]
    assert machine.groupby("id").size().between(1, 3).all()
    assert set(table["theme_label"]) <= {label for _, label, _ in CODEBOOK}
    # Other answers about pests are found by meaning, not only the hand-coded ones.
    other_pests = set(pests["comment-id"]) - set(hand["id"])
    found = set(machine.loc[machine["theme_id"] == "pests", "id"])
    assert len(found & other_pests) >= 0.5 * len(other_pests)


def test_xlsx_and_windows_1252_exports_are_read(tmp_path):
    frame = pd.DataFrame({"Ref": ["a", "b"], "Your views": ["Café prices", "Bus routes"]})
    frame.to_excel(tmp_path / "export.xlsx", index=False)
    (tmp_path / "export.csv").write_bytes(
        "Ref;Your views\na;Café prices\nb;Bus routes\n".encode("cp1252")
    )
    for name in ("export.xlsx", "export.csv"):
        answers = survey_answers(
            read_survey(tmp_path / name), SurveyColumns(text="Your views", id="Ref")
        )
        assert answers["text"].tolist() == ["Café prices", "Bus routes"]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", ("--text-column", "text"), "the file is empty"),
        (b"id,text\n1,hello\n", ("--text-column", "answer"), "no text column 'answer'"),
        (b"id,text\n1,hello\n", ("--text-column", "text", "--id-column", "ID"), "no id column"),
        (b"id,text\n1,\x81\x8d\n", ("--text-column", "text"), "neither UTF-8 nor Windows-1252"),
        (b"id,text\n1,a\n1,b\n", ("--text-column", "text", "--id-column", "id"), "more than once"),
        (b"id,text\n1,\n2, \n", ("--text-column", "text"), "holds no answers"),
    ],
)
def test_bad_exports_get_one_clear_sentence_and_a_failing_exit_code(
    tmp_path, content, args, message
):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    result = run("themes", path, *args)
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())


def test_hand_codes_must_name_codebook_themes_and_known_answers(polis_export, tmp_path):
    codebook = tmp_path / "codebook.csv"
    pd.DataFrame(CODEBOOK, columns=["theme_id", "label", "description"]).to_csv(
        codebook, index=False
    )
    first = pd.read_csv(polis_export, dtype=str)["comment-id"].iloc[0]
    for rows, message in (
        ([(first, "weather")], "theme 'weather' is not in the codebook"),
        ([("no-such-id", "pests")], "not in export.csv"),
    ):
        coded = tmp_path / "coded.csv"
        pd.DataFrame(rows, columns=["id", "theme_id"]).to_csv(coded, index=False)
        result = code(polis_export, codebook, coded, tmp_path / "out.csv")
        assert result.exit_code != 0
        assert message in " ".join(result.output.split())


def test_stance_from_agreement_answers_as_survey_tools_word_them():
    assert stance_of_label("Strongly agree") == "support"
    assert stance_of_label("strongly_disagree") == "oppose"
    assert stance_of_label("Neither agree nor disagree") == "neutral"
    assert stance_of_label("") == "neutral"


def test_group_and_agreement_columns_split_the_theme_table(tmp_path):
    path = tmp_path / "export.csv"
    texts = [
        "Buses are late",
        "The bus is late",
        "Bus fares cost too much",
        "Parks are dirty",
        "Clean the park please",
        "Park bins overflow",
    ]
    pd.DataFrame(
        {
            "text": texts,
            "who": ["resident", "visitor"] * 3,
            "view": ["Agree", "Disagree", "Agree", "Neither", "Agree", "Strongly agree"],
        }
    ).to_csv(path, index=False)
    result = run(
        "themes",
        path,
        "--text-column",
        "text",
        "--group-column",
        "who",
        "--agreement-column",
        "view",
        "--n-themes",
        "2",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split(",")
    assert {"support", "oppose", "neutral", "resident", "visitor"} <= set(header)


def test_read_survey_refuses_a_header_without_answers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,text\n")
    with pytest.raises(InputFileError, match="no answers"):
        read_survey(path)


def test_a_survey_export_becomes_a_responses_table_for_the_workspace():
    from highneeds.consult.analysis.schema import validate_responses
    from highneeds.consult.analysis.survey import (
        agreement_code,
        respondent_type_code,
        responses_from_survey,
    )

    assert [agreement_code(v) for v in ("Strongly agree", "neither_agree", "No", "", "Yes")] == [
        "strongly_agree",
        "neither",
        "disagree",
        "",
        "agree",
    ]
    assert respondent_type_code("Parent or carer") == "parent_carer"
    assert respondent_type_code("school_staff") == "school_staff"
    assert respondent_type_code("Governor") == "other"
    answers = pd.DataFrame(
        {
            "id": ["7", "9"],
            "text": ["Too far", "Good"],
            "group": ["Parent or carer", ""],
            "agreement": ["Disagree", ""],
        }
    )
    table = responses_from_survey(answers, "P2")
    assert list(table.columns) == [
        "response_id",
        "version",
        "respondent_type",
        "source",
        "P2__agree",
        "P2__why",
    ]
    assert table["respondent_type"].tolist() == ["parent_carer", "other"]
    assert table["P2__agree"].tolist() == ["disagree", ""]
    assert validate_responses(table).proposals == ("P2",)
    # Text only: no group or agreement columns at all.
    plain = responses_from_survey(answers[["id", "text"]], "P1")
    assert plain["P1__agree"].tolist() == ["", ""]
