"""signme sheets <number> --count N --to "…" [--out FILE]"""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from signme.petitions.models import Sheet


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("sheets", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_issues_numbered_sheets_into_one_pdf(petition, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, err = run("1500", "--count", "3", "--to", "Holt market stall")
    path = tmp_path / "sheets-1500-000001-000003.pdf"
    assert out.strip() == str(path)
    assert "3/3 sheets" in err
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    assert "S1500-000002" in reader.pages[1].extract_text()
    sheets = Sheet.objects.filter(petition=petition).order_by("sequence")
    assert [s.serial for s in sheets] == ["S1500-000001", "S1500-000002", "S1500-000003"]
    assert all(s.issued_to == "Holt market stall" for s in sheets)
    assert all(s.notice == petition.current_notice for s in sheets)


def test_next_batch_continues_the_numbering(petition, tmp_path):
    run("1500", "--count", "2", "--to", "A", "--out", str(tmp_path / "a.pdf"))
    out, _ = run("1500", "--count", "2", "--to", "B", "--out", str(tmp_path / "b.pdf"))
    assert out.strip().endswith("b.pdf")
    assert list(Sheet.objects.filter(issued_to="B").values_list("serial", flat=True)) == [
        "S1500-000003",
        "S1500-000004",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["9999", "--count", "2", "--to", "A"], "There is no petition 9999"),
        (["1500", "--count", "0", "--to", "A"], "--count must be between"),
        (["1500", "--count", "2", "--to", " "], "--to must say"),
        (["1500", "--count", "2", "--to", "A", "--out", "/nonexistent/x.pdf"], "does not exist"),
        (["1500", "--count", "2", "--to", "A", "--language", "fr"], "invalid choice: 'fr'"),
    ],
)
def test_bad_arguments_are_refused_and_issue_nothing(petition, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Sheet.objects.exists()
