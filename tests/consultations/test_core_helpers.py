"""Pure helpers behind consultations: references, redaction, duplicates, safe exports."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from highneeds.consult import duplicates, export, redaction, reference


class TestReference:
    def test_new_references_validate_and_have_three_groups(self):
        refs = {reference.new_reference() for _ in range(500)}
        assert len(refs) == 500
        for ref in refs:
            assert reference.normalise_reference(ref) == ref
            assert [len(g) for g in ref.split("-")] == [3, 3, 3]
            assert not set(ref.replace("-", "")) & set("0O1IL2Z5S8BUV")

    def test_typed_forms_are_accepted(self):
        ref = reference.new_reference()
        assert reference.normalise_reference(ref.lower().replace("-", " ")) == ref

    def test_every_single_substitution_is_caught(self):
        ref = reference.new_reference().replace("-", "")
        for position, symbol in itertools.product(range(len(ref)), reference.ALPHABET):
            if symbol != ref[position]:
                typo = ref[:position] + symbol + ref[position + 1 :]
                assert reference.normalise_reference(typo) is None

    def test_every_swap_is_caught(self):
        ref = reference.new_reference().replace("-", "")
        for i, j in itertools.combinations(range(len(ref)), 2):
            if ref[i] != ref[j]:
                chars = list(ref)
                chars[i], chars[j] = chars[j], chars[i]
                assert reference.normalise_reference("".join(chars)) is None

    @pytest.mark.parametrize("text", ["", "ABC", "K7M-QX9-PD", "K7M-QX9-PDR0", "<script>"])
    def test_malformed_is_none(self, text):
        assert reference.normalise_reference(text) is None


class TestRedaction:
    @pytest.mark.parametrize(
        ("text", "kind", "leak"),
        [
            ("Email me at jo.bloggs+send@example.co.uk please", "email", "jo.bloggs"),
            ("Ring 07700 900123 any time", "phone", "900123"),
            ("Call 0161 474 3837 for the school", "phone", "474"),
            ("or +44 7700 900 123", "phone", "7700"),
            ("We live at SK1 3XE near the park", "postcode", "SK1"),
            ("his UPN is A123456789012 apparently", "upn", "A123456789012"),
            ("NHS no 943 476 5919.", "nhs_number", "5919"),
            ("born 03/11/2014 in Stockport", "date", "2014"),
            ("My son is called Oliver James and he is 9", "name", "Oliver"),
            ("my daughter's name is Amira.", "name", "Amira"),
            ("Our child is named Zoë-Rose", "name", "Zoë"),
            ("I'm Sarah Jones, a parent", "name", "Sarah"),
        ],
    )
    def test_personal_details_are_removed(self, text, kind, leak):
        result = redaction.redact(text)
        assert leak not in result.text
        assert kind in result.kinds
        assert "removed]" in result.text

    def test_ordinary_text_is_untouched(self):
        text = (
            "My son is autistic and the SENCO at his school in year 5 has been great. "
            "I'm worried about 2 proposals; 40% of places is not enough."
        )
        assert redaction.redact(text).text == text
        assert redaction.redact(text).findings == ()

    def test_name_stops_at_non_name_words(self):
        result = redaction.redact("My son is called Jack and The school is far")
        assert result.text == "My son is called [name removed] and The school is far"

    def test_spacing_after_a_phone_number_is_kept(self):
        assert redaction.redact("Ring 07700 900123 please").text == (
            "Ring [phone number removed] please"
        )
        assert redaction.redact("Call (0161) 474 3837 today").text == (
            "Call [phone number removed] today"
        )

    def test_a_named_child_her_school_and_diagnosis_are_removed(self):
        result = redaction.redact(
            "Our child Amelia Khan at Elm Road Infants has autism and needs more help."
        )
        assert result.text == (
            "Our child [name removed] at [school removed] has [health detail removed] "
            "and needs more help."
        )
        assert result.kinds == ("name", "school", "health")

    @pytest.mark.parametrize(
        ("text", "leak"),
        [
            ("my son, Jack, waited a year", "Jack"),
            ("Mrs Patel was brilliant", "Patel"),
            ("He moved to St Mary's Primary School last year", "Mary"),
            ("He goes to Oakwood Academy now", "Oakwood"),
        ],
    )
    def test_names_beside_family_words_titles_and_schools_are_removed(self, text, leak):
        assert leak not in redaction.redact(text).text

    def test_kinds_of_school_are_not_school_names(self):
        text = "Special School places are short and Primary Schools cannot cope."
        assert redaction.redact(text).text == text

    def test_what_redaction_is_unsure_of_is_flagged_not_passed(self):
        text = "We saw Isla at the centre. My son has ADHD."
        result = redaction.redact(text)
        assert result.text == text  # left for the moderator to decide...
        assert result.to_check(text) == [  # ...and shown to them
            "“Isla”: may be a name or a place",
            "“ADHD”: a condition said of a person: check it cannot identify them",
        ]

    def test_capitals_at_the_start_of_sentences_are_not_flagged(self):
        text = "Schools need help. Waiting lists are long! Support matters."
        assert redaction.redact(text).flags == ()

    def test_several_details_keep_surrounding_text(self):
        result = redaction.redact("Write to a@b.org or ring 07700900123. Thanks")
        assert result.text == "Write to [email removed] or ring [phone number removed]. Thanks"
        assert result.kinds == ("email", "phone")


class TestDuplicates:
    T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

    def sub(self, id_, fp, minutes, text):
        sig = duplicates.answers_signature([("P1__agree", "agree"), ("P1__why", text)])
        return duplicates.Submission(id_, fp, self.T0 + timedelta(minutes=minutes), sig)

    def test_normalise_folds_case_accents_punctuation(self):
        assert duplicates.normalise_text("  Café,   GREAT!! ") == "cafe great"
        # Plain ASCII takes a shorter path to the same result.
        assert duplicates.normalise_text("  Cafe,   GREAT!! ") == "cafe great"

    def test_same_client_same_answers_flagged(self):
        found = duplicates.find_likely_duplicates(
            [self.sub(1, "fp", 0, "Too far to travel."), self.sub(2, "fp", 5, "too far to travel")]
        )
        assert found == [duplicates.LikelyDuplicate(2, 1, 1.0)]

    def test_other_client_or_outside_window_or_different_not_flagged(self):
        found = duplicates.find_likely_duplicates(
            [
                self.sub(1, "fp", 0, "Too far to travel"),
                self.sub(2, "other", 1, "Too far to travel"),
                self.sub(3, "fp", 60 * 48, "Too far to travel"),
                self.sub(4, "fp", 2, "I support this because my child waited two years"),
            ]
        )
        assert found == []

    def test_blank_fingerprint_never_matches(self):
        assert (
            duplicates.find_likely_duplicates([self.sub(1, "", 0, "x"), self.sub(2, "", 1, "x")])
            == []
        )


class TestExport:
    COLUMNS = (
        export.ExportColumn("response_id", "Reference"),
        export.ExportColumn("P1__agree", "To what extent do you agree?"),
        export.ExportColumn("P1__why", "Tell us why"),
    )

    @pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
    def test_formula_triggers_neutralised(self, text):
        assert export.neutralise_cell(text) == "'" + text

    def test_safe_values_unchanged(self):
        assert export.neutralise_cell("fine = ok") == "fine = ok"
        assert export.neutralise_cell(-3) == -3

    def test_frame_keeps_column_order_and_blanks(self):
        frame = export.responses_frame(
            self.COLUMNS, [{"P1__why": "b", "response_id": "R1"}, {"response_id": "R2"}]
        )
        assert list(frame.columns) == ["response_id", "P1__agree", "P1__why"]
        assert frame.iloc[1].tolist() == ["R2", "", ""]

    def test_unknown_answer_key_refused(self):
        with pytest.raises(ValueError, match="unknown columns"):
            export.responses_frame(self.COLUMNS, [{"response_id": "R1", "P9__why": "x"}])

    def test_csv_and_xlsx_are_inert(self):
        frame = export.responses_frame(
            self.COLUMNS,
            [{"response_id": "R1", "P1__agree": "agree", "P1__why": '=HYPERLINK("http://x")'}],
        )
        text = export.to_csv(frame, self.COLUMNS).decode("utf-8-sig")
        assert text.splitlines()[0] == "Reference,To what extent do you agree?,Tell us why"
        assert "'=HYPERLINK" in text
        sheet = load_workbook(io.BytesIO(export.to_xlsx(frame, self.COLUMNS))).active
        assert sheet["C2"].value == '\'=HYPERLINK("http://x")'
        assert sheet["C2"].data_type == "s"
        codes = export.to_csv(frame, self.COLUMNS, headers="codes").decode("utf-8-sig")
        assert codes.splitlines()[0] == "response_id,P1__agree,P1__why"
