"""Bad input gives an error naming file, row and column, and leaves the store unchanged."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import sqlalchemy as sa

from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.importers.dfe import import_release
from highneeds.readers.dfe_schema import ehcp_stats
from highneeds.store import schema


def _counts(store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        imports = conn.execute(sa.select(sa.func.count()).select_from(schema.imports)).scalar()
        stats = conn.execute(sa.select(sa.func.count()).select_from(ehcp_stats)).scalar()
    return imports, stats


@pytest.fixture
def populated(store, _small_2022_template):
    """A store already holding one release, so 'unchanged' means more than 'still empty'."""
    import_release(store, _small_2022_template)
    before = _counts(store)
    assert before[0] == 1 and before[1] > 1000
    return store, before


def _fails(populated, path) -> InputFileError:
    store, before = populated
    with pytest.raises(InputFileError) as caught:
        import_release(store, path)
    assert _counts(store) == before
    return caught.value


def _replace_line(path, old: bytes, new: bytes) -> int:
    """Replace ``old`` in the first line holding it; returns that line's 1-based number."""
    lines = path.read_bytes().split(b"\n")
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new, 1)
    path.write_bytes(b"\n".join(lines))
    return number + 1


def test_truncated_zip(populated, zip_2022, tmp_path):
    truncated = tmp_path / "education-health-and-care-plans_2022.zip"
    truncated.write_bytes(zip_2022.read_bytes()[: zip_2022.stat().st_size // 2])
    error = _fails(populated, truncated)
    assert error.location.file == truncated.name
    assert "truncated or corrupt" in str(error)


def test_corrupt_file_inside_zip(populated, small_2022, tmp_path):
    archive = tmp_path / "education-health-and-care-plans_2022.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(small_2022.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(small_2022).as_posix())
    data = bytearray(archive.read_bytes())
    start = data.index(b"sen2_estab_caseload.csv") + 200  # inside that member's deflated bytes
    data[start : start + 40] = bytes(40)
    archive.write_bytes(bytes(data))
    error = _fails(populated, archive)
    assert error.location.file.startswith(archive.name)


def test_missing_column(populated, small_2025):
    path = small_2025 / "data" / "caseload.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    drop = rows[0].index("ehcplans")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([r[:drop] + r[drop + 1 :] for r in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    error = _fails(populated, small_2025)
    assert error.location.file.endswith("caseload.csv")
    assert (error.location.row, error.location.column) == (1, "ehcplans")


def test_unknown_establishment_label(populated, small_2022):
    path = small_2022 / "data" / "sen2_estab_caseload.csv"
    row = _replace_line(path, b",Special - Non-maintained,", b",Special - Moon school,")
    error = _fails(populated, small_2022)
    assert isinstance(error, UnknownLabelError)
    assert error.label == "Special - Moon school"
    assert error.location.file.endswith("sen2_estab_caseload.csv")
    assert (error.location.row, error.location.column) == (row, "establishment_type")
    assert "did you mean" in str(error)  # suggests the closest known labels


def test_non_utf8_file(populated, small_2022):
    path = small_2022 / "data" / "sen2_estab_caseload.csv"
    row = _replace_line(path, b",Trafford,", ",Traff\u00f6rd,".encode("cp1252"))
    error = _fails(populated, small_2022)
    assert error.location.file.endswith("sen2_estab_caseload.csv")
    assert (error.location.row, error.location.column) == (row, "la_name")
    assert "UTF-8" in str(error)


def test_empty_file(populated, small_2025):
    (small_2025 / "data" / "requests.csv").write_bytes(b"")
    error = _fails(populated, small_2025)
    assert error.location.file.endswith("requests.csv")
    assert error.location.row == 1
    assert "empty" in str(error)


def test_header_without_rows(populated, small_2025):
    path = small_2025 / "data" / "requests.csv"
    path.write_bytes(path.read_bytes().split(b"\n")[0] + b"\n")
    error = _fails(populated, small_2025)
    assert error.location.row == 2


def test_text_where_a_number_belongs(populated, small_2022):
    path = small_2022 / "data" / "sen2_mi.csv"
    header = next(csv.reader([path.read_text(encoding="utf-8").split("\n")[0]]))
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = next(csv.reader([lines[3]]))
    cells[header.index("InreqEHC")] = "12a"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    lines[3] = buffer.getvalue()
    path.write_text("\n".join(lines), encoding="utf-8")
    error = _fails(populated, small_2022)
    assert (error.location.row, error.location.column) == (4, "InreqEHC")
    assert "'12a'" in str(error)


def test_not_a_release(populated, tmp_path):
    folder = tmp_path / "something"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    error = _fails(populated, folder)
    assert "sen2_estab_caseload.csv" in str(error) and "caseload.csv" in str(error)


def test_the_same_figure_twice(populated, small_2022):
    path = small_2022 / "data" / "sen2_mi.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:3], lines[2], *lines[3:]]))
    error = _fails(populated, small_2022)
    assert error.location.file.endswith("sen2_mi.csv")
    assert "published twice" in str(error)


def test_an_unknown_column_is_not_silently_dropped(populated, small_2025):
    path = small_2025 / "data" / "requests.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [lines[0] + ",requests_new_measure_pc"] + [
        line + ",1.5" if line else line for line in lines[1:]
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    error = _fails(populated, small_2025)
    assert error.location.file.endswith("requests.csv")
    assert (error.location.row, error.location.column) == (1, "requests_new_measure_pc")
