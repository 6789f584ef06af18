"""Codebook mode: reading codebooks, proposing themes, asking for the least certain answers."""

import math

import numpy as np
import pandas as pd
import pytest

from highneeds.consult.analysis.codebook import (
    Codebook,
    CodebookClassifier,
    CodebookTheme,
    FragmentCoverage,
    read_codebook,
    uncertainty,
)
from highneeds.consult.analysis.embedding import StaticEmbedding
from highneeds.errors import InputFileError, ModelInputError

ROWS = [
    {
        "theme": "travel",
        "label": "Travel to school",
        "description": "Journeys by taxi or bus",
        "keywords": "taxi; journey; bus",
    },
    {
        "theme": "money",
        "label": "Funding",
        "description": "Budgets, cuts and savings",
        "keywords": "budget; cuts; funding",
    },
    {
        "theme": "talk",
        "label": "Someone to talk to",
        "description": "A counsellor or trusted adult",
        "keywords": "counsellor; talk to",
    },
]


def test_csv_xlsx_and_yaml_codebooks_read_the_same(tmp_path):
    frame = pd.DataFrame(ROWS)
    frame.to_csv(tmp_path / "book.csv", index=False)
    frame.to_excel(tmp_path / "book.xlsx", index=False)
    yaml_text = "themes:\n" + "".join(
        f"  - theme: {r['theme']}\n    label: {r['label']}\n    description: {r['description']}\n"
        f"    keywords: [{', '.join(k.strip() for k in r['keywords'].split(';'))}]\n"
        for r in ROWS
    )
    (tmp_path / "book.yaml").write_text(yaml_text)
    books = [read_codebook(tmp_path / f"book.{s}") for s in ("csv", "xlsx", "yaml")]
    assert books[0] == books[1] == books[2]
    assert books[0].theme_ids == ["travel", "money", "talk"]
    assert books[0].themes[2].keywords == ("counsellor", "talk to")


def test_codebook_errors_name_the_file_and_row(tmp_path):
    pd.DataFrame([{"name": "x"}]).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputFileError, match=r"bad\.csv.*no 'theme' column"):
        read_codebook(tmp_path / "bad.csv")
    pd.DataFrame([ROWS[0], ROWS[0]]).to_csv(tmp_path / "twice.csv", index=False)
    with pytest.raises(InputFileError, match=r"row 3.*listed twice"):
        read_codebook(tmp_path / "twice.csv")
    (tmp_path / "book.txt").write_text("travel")
    with pytest.raises(InputFileError, match=r"use \.csv, \.xlsx or \.yaml"):
        read_codebook(tmp_path / "book.txt")


@pytest.fixture
def codebook(tmp_path):
    pd.DataFrame(ROWS).to_csv(tmp_path / "book.csv", index=False)
    return read_codebook(tmp_path / "book.csv")


ANSWERS = pd.Series(
    {
        "a1": "The taxi journey takes an hour each way",
        "a2": "The bus is always late and the journey is long",
        "a3": "These cuts are about the budget not children",
        "a4": "Funding should be protected from cuts",
        "a5": "My son needs a counsellor to talk to at school",
        "a6": "A trusted adult to talk to would help her",
        "a7": "The minibus ride is exhausting for him",
        "a8": "Savings are the real aim here",
        "a9": "Nobody at school listens to how she feels",
        "a10": "Long rides and no money for support",
    }
)


def test_classifier_proposes_themes_and_keeps_hand_coding(codebook):
    coded = {"a7": {"travel"}, "a8": {"money"}, "a9": {"talk"}, "a1": {"money"}}
    model = CodebookClassifier(codebook).fit(ANSWERS, coded)
    proposed = model.predict(ANSWERS)
    assert proposed["a1"] == {"money"}  # a person's coding stands, even against the words
    assert proposed["a2"] == {"travel"}
    assert proposed["a4"] == {"money"}
    assert proposed["a6"] == {"talk"}
    probabilities = model.predict_proba(ANSWERS)
    assert list(probabilities.columns) == ["travel", "money", "talk"]
    assert ((probabilities >= 0) & (probabilities <= 1)).all().all()


def test_codebook_alone_proposes_from_keywords(codebook):
    proposed = CodebookClassifier(codebook).fit(ANSWERS, {}).predict(ANSWERS)
    assert proposed["a2"] == {"travel"} and proposed["a3"] == {"money"}
    assert proposed["a5"] == {"talk"}


def test_next_to_code_asks_for_the_least_certain_uncoded_answers(codebook):
    coded = {"a1": {"travel"}, "a3": {"money"}, "a5": {"talk"}}
    model = CodebookClassifier(codebook).fit(ANSWERS, coded)
    asked = model.next_to_code(ANSWERS, n=4)
    assert len(asked) == 4 and not set(asked) & set(coded)
    probabilities = model.predict_proba(ANSWERS).drop(list(coded))
    # Summed binary entropy, worked out here from the probabilities (kept 1e-9 from 0 and 1,
    # as the method does, so answers sure of every theme tie and keep answer order).
    entropy = {
        answer: -sum(
            p * math.log(p) + (1 - p) * math.log(1 - p)
            for p in (min(max(q, 1e-9), 1 - 1e-9) for q in row)
        )
        for answer, row in probabilities.iterrows()
    }
    expected = sorted(entropy, key=lambda a: -entropy[a])[:4]
    assert asked == expected
    assert uncertainty(pd.DataFrame([[0.0, 1.0], [0.5, 0.5]])).round(4).tolist() == [0, 1.3863]


def test_unknown_themes_in_hand_coding_are_refused(codebook):
    with pytest.raises(ModelInputError, match="not in the codebook: transport"):
        CodebookClassifier(codebook).fit(ANSWERS, {"a1": {"transport"}})
    with pytest.raises(ModelInputError, match="not among the answers"):
        CodebookClassifier(codebook).fit(ANSWERS, {"zz": {"travel"}})


def test_codebook_run_keeps_every_theme_available_and_learns_from_people(tmp_path):
    """Workspace codebook mode: a theme nobody's answer carries yet is not retired, and an
    answer a person codes is kept and moves the machine's proposals at once."""
    from highneeds.consult.analysis.codebook import codebook_from_frame
    from highneeds.consult.analysis.coding import codebook_run

    book = codebook_from_frame(
        pd.DataFrame(
            [
                {"theme_id": "travel", "label": "Travel to school", "description": "Buses"},
                {"theme_id": "money", "label": "Funding", "description": "Budgets and cuts"},
                {"theme_id": "unused", "label": "Weather", "description": "Rain and snow"},
            ]
        )
    )
    texts = pd.Series(
        {
            "a": "The bus to school takes an hour",
            "b": "School transport is always late",
            "c": "The budget cuts are too deep",
            "d": "Funding must be protected",
            "e": "My son waits for the taxi every morning",
            "f": "The taxi comes late every morning",
        }
    )
    theme_set, landing = codebook_run(texts, "Q1", book)
    assert len(theme_set.active_theme_ids()) == 3  # "unused" stays available to hand-code
    weather = landing["unused"]
    theme_set.assign("e", weather)
    theme_set.mark_reviewed("e")
    theme_set, landing = codebook_run(texts, "Q1", book, theme_set, landing)
    assert len(theme_set.active_theme_ids()) == 3
    assert theme_set.labels_by_response(["e"])["e"] == {weather}
    model = CodebookClassifier(book).fit(texts, {"e": {"unused"}})
    before = CodebookClassifier(book).fit(texts, {}).scores(texts)
    after = model.scores(texts)
    # Answers like the hand-coded one move towards its theme; "e" keeps the person's code.
    assert after.loc["f", "unused"] > before.loc["f", "unused"]
    assert model.predict(texts)["e"] == {"unused"}


def test_codebook_themes_stay_the_same_theme_and_people_added_themes_are_learned():
    """Run after run a codebook theme lands in the same theme whatever answers it holds; a
    theme a person added is coded like a codebook theme and never retired; a person's code
    on an answer counts as hand coding without marking the answer reviewed."""
    from highneeds.consult.analysis.codebook import codebook_from_frame
    from highneeds.consult.analysis.coding import codebook_run

    book = codebook_from_frame(
        pd.DataFrame(
            [
                {"theme_id": "travel", "label": "Travel to school", "description": "Buses"},
                # The id a person's first added theme gets in the theme set: no clash.
                {"theme_id": "H01", "label": "Funding", "description": "Budgets and cuts"},
            ]
        )
    )
    texts = pd.Series(
        {
            "a": "The bus to school takes an hour",
            "b": "Nobody answers the phone at the office",
            "c": "The budget cuts are too deep",
            "d": "I rang the phone line and nobody answered",
            "e": "The phone rings and rings at the SEND office",
        }
    )
    theme_set, landing = codebook_run(texts, "Q1", book)
    phones = theme_set.add_theme("Phone lines", "Calls nobody answers")
    assert phones == "H01"
    theme_set.assign("b", phones)
    assert theme_set.hand_coded() == {"b": {phones}}
    ids_before = theme_set.active_theme_ids()
    theme_set, new_landing = codebook_run(texts, "Q1", book, theme_set, landing)
    assert new_landing == landing  # the same themes, not new copies
    assert theme_set.active_theme_ids() == ids_before
    carried = theme_set.labels_by_response()
    assert phones in carried["b"] and phones in carried["d"] and phones in carried["e"]
    machine = theme_set.decisions[("d", phones)]
    assert machine.origin == "machine" and 0.5 <= machine.weight <= 1
    table = theme_set.export_table({"b": "R-2"})
    assert list(table.columns) == ["id", "theme_id", "theme_label", "assigned_by", "confidence"]
    rows = set(table.itertuples(index=False, name=None))
    assert ("R-2", phones, "Phone lines", "person", 1.0) in rows
    assert ("d", phones, "Phone lines", "machine", round(machine.weight, 3)) in rows
    # Nobody carries the added theme any more: it still stays, as a person added it.
    theme_set.unassign("b", phones)
    theme_set.apply_machine_run([], pd.DataFrame(columns=["response_id", "theme_id"]))
    assert theme_set.themes[phones].status == "active"


def test_word_coverage_matches_one_item_of_a_themes_list_by_meaning():
    # Word vectors: a word is nearer its own plural than an unrelated word.
    words = StaticEmbedding().word_vectors(["tax", "taxes", "bus"])
    assert words[0] @ words[1] > words[0] @ words[2]
    assert np.allclose(np.linalg.norm(words, axis=1), 1)
    themes = (
        CodebookTheme("GS", "GST", "The rate of GST, exemptions such as basic food"),
        CodebookTheme("IN", "Income tax", "Brackets, top rates and a tax-free threshold"),
    )
    coverage = FragmentCoverage(themes, StaticEmbedding())
    # Neither "fruit", "vegetables" nor "exempt" is a word of either theme: only their
    # meaning matches "exemptions" and "basic food".
    first = "Fruit and vegetables should be exempt"
    scores = coverage.scores([first, "Lower the top rate", "Hello"])
    assert scores[0, 0] > scores[0, 1]
    assert scores[1, 1] > scores[1, 0]
    assert (scores[2] < scores[0].max()).all() and (scores >= 0).all()
    # It is part of the default's score: without it the first answer's lead shrinks.
    book = Codebook(themes)
    texts = pd.Series([first, "Lower the top rate"], index=["a", "b"])
    lead = [
        (lambda s: s.at["a", "GS"] - s.at["a", "IN"])(
            CodebookClassifier(book, coverage_weight=w).fit(texts, {}).scores(texts)
        )
        for w in (0.0, 0.25)
    ]
    assert lead[1] > lead[0]
