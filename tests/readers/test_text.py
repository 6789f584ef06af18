"""CSV files in whatever encoding an LA's system saved them: UTF-8 (with or without BOM) and
Windows-1252 are read; anything that is not text is refused in one sentence."""

import pytest

from highneeds.errors import InputFileError
from highneeds.readers.text import read_text_csv, text_encoding


@pytest.mark.parametrize(
    "encoding, expected", [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252")]
)
def test_text_in_utf8_or_cp1252_is_read(tmp_path, encoding, expected):
    path = tmp_path / "names.csv"
    path.write_bytes("surname,setting\nO’Brien,Café Lane School\n".encode(encoding))
    assert text_encoding(path) == expected
    frame = read_text_csv(path, dtype=str)
    assert frame.loc[0, "surname"] == "O’Brien"
    assert frame.loc[0, "setting"] == "Café Lane School"


@pytest.mark.parametrize(
    "content", [b"a,b\n1,\x00\n", bytes(range(256)), b"PK\x03\x04\x14\x00\x06\x00"]
)
def test_bytes_that_are_not_text_are_refused_with_the_file_named(tmp_path, content):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match="is not a text CSV file") as refused:
        read_text_csv(path)
    assert refused.value.location.file == "upload.csv"


def test_empty_and_ragged_files_are_located(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_text_csv(empty)
    ragged = tmp_path / "ragged.csv"
    ragged.write_bytes(b"a,b\n1,2\n3,4,5,6\n")
    with pytest.raises(InputFileError, match="wrong number of fields") as refused:
        read_text_csv(ragged)
    assert refused.value.location.row == 3


def test_a_toml_file_saved_in_cp1252_is_read_and_a_binary_one_refused(tmp_path):
    """Found by tests/fuzz: a scenario file with "£" saved by Notepad in cp1252 ended in a
    UnicodeDecodeError traceback."""
    from highneeds.finance.scenarios import read_scenario
    from highneeds.readers.text import read_text

    saved = tmp_path / "capital.toml"
    saved.write_bytes('name = "Capital"\ndescription = "£12m of capital"\n'.encode("cp1252"))
    assert read_text(saved, "TOML").endswith('"£12m of capital"\n')
    assert read_scenario(saved).description == "£12m of capital"
    saved.write_bytes(b"name = \x00")
    with pytest.raises(InputFileError, match=r"capital\.toml: is not a TOML text file"):
        read_scenario(saved)
