import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from signme.geography.models import Area, Edition, Postcode

from .conftest import DIRECTORY, NAMES, load_directory

pytestmark = pytest.mark.django_db

HEADER = DIRECTORY.read_text().splitlines()[0]


def write(tmp_path, lines: list[str], name="edition.csv") -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def stored() -> list:
    return [
        list(Postcode.objects.order_by("pk").values_list()),
        list(Area.objects.order_by("pk").values_list()),
        list(Edition.objects.values_list("file_name", "postcodes")),
    ]


def test_the_directory_loads_every_postcode_with_its_areas_and_names():
    load_directory()
    assert Postcode.objects.count() == 6
    holt = Postcode.objects.get(pk="NR25 6BW")
    assert holt.areas() == {
        "country": "E92999991",
        "region": "E12999991",
        "county": "E10999991",
        "district": "E07999991",
        "division": "E58999991",
        "ward": "E05999991",
        "constituency": "E14999991",
    }
    assert holt.terminated is None
    assert Postcode.objects.get(pk="ZY99 2AD").terminated == date(2015, 12, 1)
    assert Area.objects.get(code="E07999992").name == "South Testshire"
    assert Area.objects.get(code="E10999991").type == "county"
    assert Area.objects.get(code="E14999992").name == "Otherham and Coast"
    edition = Edition.objects.get()
    assert (edition.file_name, edition.postcodes, edition.terminated) == ("directory.csv", 6, 1)


def test_a_pseudo_code_means_no_such_area():
    load_directory()
    unitary = Postcode.objects.get(pk="ZY99 3AE")
    assert unitary.county == "" and unitary.division == ""
    assert not Area.objects.filter(code__endswith="99999999").exists()


def test_the_nspl_spelling_of_the_columns_loads_too(tmp_path):
    header = (
        "pcd7,pcd8,pcds,dointr,doterm,usrtypind,cty25cd,ced25cd,lad25cd,wd25cd,"
        "nhser24cd,ctry25cd,rgn25cd,pcon24cd"
    )
    row = "ZY991AA,ZY99 1AA,ZY99 1AA,198001,202001,0,E10999991,E58999991,E07999991,E05999991,E40999991,E92999991,E12999991,E14999991"  # noqa: E501
    load_directory(write(tmp_path, [header, row]), names=[])
    got = Postcode.objects.get()
    assert (got.district, got.ward, got.constituency) == ("E07999991", "E05999991", "E14999991")
    assert got.terminated == date(2020, 1, 1)


def test_a_new_edition_replaces_the_old_one(tmp_path):
    load_directory()
    lines = DIRECTORY.read_text().splitlines()
    newer = [lines[0], lines[1].replace("E05999991", "E05999995")]
    load_directory(write(tmp_path, newer), names=[])
    assert list(Postcode.objects.values_list("pk", "ward")) == [("NR25 6BW", "E05999995")]
    assert Edition.objects.get().file_name == "edition.csv"
    assert not Area.objects.filter(code="E05999994").exists()


@pytest.mark.parametrize(
    "bad_row, message",
    [
        (
            "ZY995AA,ZY99 5AA,ZY99 5AA,198001,,E10999991",
            "line 4: 6 fields where the header has 17",
        ),
        (
            "ZY995AA,ZY99 5AA,ZY99 5AA,198001,,E10999991,E58999991,Norfolk,E05999991,0,1,2,"
            "E92999991,E12999991,E14999991,52.9,1.0",
            "line 4: 'Norfolk' in the district column is not a GSS code",
        ),
        (
            "ZY995AA,ZY99 5AA,NOT A CODE,198001,,E10999991,E58999991,E07999991,E05999991,0,1,2,"
            "E92999991,E12999991,E14999991,52.9,1.0",
            "line 4: 'NOT A CODE' is not a postcode",
        ),
        (
            "ZY995AA,ZY99 5AA,ZY99 5AA,198001,2015-12,E10999991,E58999991,E07999991,E05999991,"
            "0,1,2,E92999991,E12999991,E14999991,52.9,1.0",
            "line 4: termination date '2015-12' is not a year and month",
        ),
        (
            "ZY991AA,ZY99 1AA,ZY99 1AA,198001,,E10999991,E58999991,E07999991,E05999991,0,1,2,"
            "E92999991,E12999991,E14999991,52.9,1.0",
            "lists the same postcode twice",
        ),
    ],
)
def test_a_malformed_row_is_named_by_its_line_and_the_stored_edition_stays(
    tmp_path, bad_row, message
):
    load_directory()
    before = stored()
    lines = DIRECTORY.read_text().splitlines()
    path = write(tmp_path, [*lines[:3], bad_row, *lines[3:]])
    with pytest.raises(CommandError, match=message) as e:
        load_directory(path, names=[])
    assert "Nothing was changed" in str(e.value)
    assert stored() == before


def test_a_file_that_is_not_the_directory_is_refused_by_its_header(tmp_path):
    load_directory()
    before = stored()
    path = write(tmp_path, ["name,email", "Siân,sian@example.org"])
    with pytest.raises(CommandError, match="line 1 is not the header.*no column for postcode"):
        load_directory(path, names=[])
    assert stored() == before


def test_a_names_file_without_code_and_name_columns_is_refused(tmp_path):
    load_directory()
    before = stored()
    bad = write(tmp_path, ["code,label", "E07999991,North"], name="names.csv")
    with pytest.raises(CommandError, match="names.csv: line 1 has no pair of code and name"):
        load_directory(names=[bad])
    assert stored() == before


def test_a_missing_file_is_named():
    with pytest.raises(CommandError, match="There is no file nowhere.csv"):
        call_command("import_postcodes", "nowhere.csv", quiet=True)


def test_piped_progress_is_plain_lines_and_the_summary_counts(capsys):
    out = io.StringIO()
    call_command("import_postcodes", str(DIRECTORY), "--names", str(NAMES[0]), stdout=out)
    err = capsys.readouterr().err
    assert "\r" not in err and "100%" in err.splitlines()[-1]
    assert "Loaded 6 postcodes (1 terminated) and 18 areas, 3 of them named." in out.getvalue()


def _postcode_table_shape() -> list:
    table = Postcode._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = %s ORDER BY 1", [table]
            )
        return cursor.fetchall()


def test_a_new_edition_keeps_the_tables_indexes_and_their_names():
    """Loading an edition replaces the rows, never the table's shape: the
    same indexes under the same names, so the migrations that know them
    still find them, and lookups still use them."""
    before = _postcode_table_shape()
    load_directory()
    load_directory()
    assert _postcode_table_shape() == before
    assert any("postcode" in str(definition) for _, definition in before)
    assert Postcode.objects.filter(pk="NR25 6BW").exists()
