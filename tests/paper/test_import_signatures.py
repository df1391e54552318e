"""signme import-signatures: another platform's CSV export, checked like paper."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from signme.audit.models import AuditEvent
from signme.paper.imports import header_key, map_columns, parse_date
from signme.paper.sheets import issue_sheets, log_return
from signme.paper.transcription import save_row
from signme.people.models import Suppression
from signme.people.rights import erase_signatures
from signme.petitions.counting import get_counts
from signme.petitions.models import Consent, Signature
from signme.submissions.pack import gather_facts, signatory_rows

HEADER = ["Full Name", "Email Address", "Address", "Post Code", "Date Signed", "Email opt-in"]


def write(tmp_path, rows, header=HEADER, name="export.csv", encoding="utf-8"):
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path, *args, number="1500"):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_signatures", number, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def everything():
    """What an import may change, to show a refused one changed nothing."""
    return (
        list(Signature.objects.order_by("pk").values()),
        list(Consent.objects.order_by("pk").values()),
        list(AuditEvent.objects.order_by("pk").values()),
    )


ANN = ["Ann Smith", "ann@example.org", "1 High Street, Holt", "nr25 6bw", "2025-03-01", "yes"]
BOB = ["Bob Jones", "", "2 High Street, Holt", "NR25 6BX", "02/03/2025", "no"]


def test_rows_are_imported_with_their_source_consent_and_date(tmp_path, petition):
    out, err = run(write(tmp_path, [ANN, BOB]), "--platform", "Change.org")
    assert "Imported: 2" in out and "Refused: 0" in out
    assert "100% 3/3 lines" in err  # the progress bar, as plain lines off a terminal
    ann = Signature.objects.get(name="Ann Smith")
    assert (ann.source, ann.imported_from, ann.status, ann.validity) == (
        "import", "Change.org", "verified", "counted",
    )  # fmt: skip
    assert ann.postcode == "NR25 6BW" and ann.email_canonical == "ann@example.org"
    assert ann.created_at.date().isoformat() == "2025-03-01"
    bob = Signature.objects.get(name="Bob Jones")
    assert bob.created_at.date().isoformat() == "2025-03-02"  # day first
    consent = Consent.objects.get(signature=ann)
    assert (consent.channel, consent.given, consent.mechanism) == ("email", True, "import")
    assert "Change.org" in consent.wording and "'Email opt-in'" in consent.wording
    assert not Consent.objects.get(signature=bob).given
    counts = get_counts(petition.pk)
    assert counts.online == 2 and counts.total == 2
    # The clerk sees where they were signed.
    facts = gather_facts(petition)
    assert facts.imported == 2 and facts.imported_from == ["Change.org"]
    assert [row[-1] for row in signatory_rows(petition, facts)] == [
        "Online at Change.org, imported"
    ] * 2


def test_the_import_is_audited_without_personal_data(tmp_path, petition, organiser):
    run(write(tmp_path, [ANN, BOB]), "--platform", "Change.org", "--by", organiser.username)
    event = AuditEvent.objects.get(action="import")
    assert event.actor == organiser and event.count == 2
    assert event.subject == (
        "signatures imported from Change.org: 2 imported, 0 duplicates, 0 refused, of 2 rows"
    )
    assert "Ann" not in event.subject and "ann@" not in event.subject


def test_row_duplicating_an_online_signature_is_kept_but_counted_once(tmp_path, petition, signer):
    online = signer(email="Ann@Example.org")
    assert get_counts(petition.pk).online == 1
    out, _ = run(write(tmp_path, [ANN]))
    assert "Imported: 0" in out and "Duplicate (the same person signed already" in out
    imported = Signature.objects.get(source="import")
    assert imported.status == "duplicate" and imported.duplicate_of == online
    assert get_counts(petition.pk).online == 1
    assert gather_facts(petition).duplicates_removed == 1


def test_row_replaces_an_online_signature_never_confirmed(tmp_path, petition, sign):
    sign(email="ann@example.org", name="Ann Smith")
    pending = Signature.objects.get(status="pending")
    out, _ = run(write(tmp_path, [ANN]))
    assert "Imported: 1 (1 in place of an online signature never confirmed)" in out
    imported = Signature.objects.get(source="import")
    pending.refresh_from_db()
    assert imported.validity == "counted"
    assert pending.status == "duplicate" and pending.duplicate_of == imported
    assert get_counts(petition.pk).online == 1


def test_row_matching_a_paper_row_by_name_and_postcode_is_a_duplicate(
    tmp_path, petition, organiser
):
    sheet = issue_sheets(petition, 1, "Holt")[0]
    log_return(petition, sheet.serial, 1)
    data = {"name": "Ann Smith", "address": "1 High Street, Holt", "postcode": "NR25 6BW",
            "email": "", "email_canonical": "", "phone": ""}  # fmt: skip
    save_row(sheet, 1, data, organiser)
    row = ["ANN  SMITH", "", "1 High St", "NR256BW", "2025-03-01", ""]
    out, _ = run(write(tmp_path, [row]))
    assert "Imported: 0" in out
    assert Signature.objects.get(source="import").status == "duplicate"


def test_the_same_person_twice_in_one_file_is_imported_once(tmp_path, petition):
    out, _ = run(write(tmp_path, [ANN, ANN[:1] + ["ANN@example.org"] + ANN[2:]]))
    assert "Imported: 1" in out and "counted once): 1" in out
    assert get_counts(petition.pk).online == 1


def test_one_person_by_name_and_postcode_twice_after_an_unconfirmed_online_signature(
    tmp_path, petition, sign
):
    """The import reads each postcode's signatures once and keeps them up to
    date as it stores: the first row replaces the online signature never
    confirmed, the second is a duplicate of the first, not a second
    replacement."""
    sign(email="ann@example.org", name="Ann Smith", postcode="NR25 6BW")
    pending = Signature.objects.get(status="pending")
    no_email = ["Ann Smith", "", "1 High Street, Holt", "NR25 6BW", "2025-03-01", ""]
    out, _ = run(write(tmp_path, [no_email, no_email[:1] + ["", "1 High St"] + no_email[3:]]))
    assert "Imported: 1 (1 in place of an online signature never confirmed)" in out
    first, second = Signature.objects.filter(source="import").order_by("pk")
    pending.refresh_from_db()
    assert pending.status == "duplicate" and pending.duplicate_of == first
    assert first.status == "verified" and first.validity == "counted"
    assert second.status == "duplicate" and second.duplicate_of == first
    assert get_counts(petition.pk).online == 1


def test_refused_rows_are_reported_by_reason_with_their_row_numbers(tmp_path, petition):
    rows = [
        ANN,
        ["", "x@example.org", "3 High Street", "NR25 6BW", "2025-03-01", ""],  # row 3
        ["Cat Brown", "not-an-email", "4 High Street", "NR25 6BW", "2025-03-01", ""],
        ["Dan Green", "", "5 High Street", "ZZ1 1ZZ", "2025-03-01", ""],  # row 5
        ["Eve White", "", "6 High Street", "", "2025-03-01", ""],  # row 6
        ["Fay Black", "", "7 High Street", "NR25 6BW", "last Tuesday", ""],
        ["Gus Grey", "", "8 High Street", "NR25 6BW", "2999-01-01", ""],  # row 8
    ]
    out, _ = run(write(tmp_path, rows))
    assert "Rows read: 7" in out and "Imported: 1" in out and "Refused: 6" in out
    assert "no postcode, or not a UK postcode: 2 (rows 5, 6)" in out
    assert "no usable name: 1 (rows 3)" in out
    assert "email address not valid: 1 (rows 4)" in out
    assert "date signed missing or not understood: 1 (rows 7)" in out
    assert "date signed is in the future: 1 (rows 8)" in out
    assert Signature.objects.count() == 1
    # The report names rows, never people.
    assert "Cat" not in out and "not-an-email" not in out


def test_a_person_who_had_their_details_erased_is_not_imported_again(tmp_path, petition, signer):
    erase_signatures(Signature.objects.filter(pk=signer(email="ann@example.org").pk), "erased")
    out, _ = run(write(tmp_path, [ANN, BOB]))
    assert "Imported: 1" in out
    assert "the person had their details erased: 1 (rows 2)" in out
    assert not Signature.objects.filter(name="Ann Smith").exists()


def test_a_paper_signer_erased_by_name_and_postcode_is_not_imported_again(
    tmp_path, petition, organiser
):
    sheet = issue_sheets(petition, 1, "Holt")[0]
    log_return(petition, sheet.serial, 1)
    data = {"name": "Bob Jones", "address": "2 High Street", "postcode": "NR25 6BX",
            "email": "", "email_canonical": "", "phone": ""}  # fmt: skip
    paper = save_row(sheet, 1, data, organiser).signature
    erase_signatures(Signature.objects.filter(pk=paper.pk), Suppression.Reason.ERASED)
    out, _ = run(write(tmp_path, [BOB]))
    assert "Imported: 0" in out and "the person had their details erased: 1 (rows 2)" in out


def test_columns_are_named_with_map(tmp_path, petition):
    header = ["Signer", "Where", "PC", "When"]
    path = write(tmp_path, [["Ann Smith", "1 High Street", "NR25 6BW", "2025-03-01"]], header)
    with pytest.raises(CommandError, match="has no column for the signer's name"):
        run(path)
    out, _ = run(path, "--map", "name=Signer,address=where,postcode=PC", "--map", "date=When")
    assert "Imported: 1" in out
    assert Signature.objects.get().address == "1 High Street"


def test_first_and_last_name_columns_make_the_name(tmp_path, petition):
    header = ["first_name", "last_name", "email", "address_line_1", "city", "zip"]
    run(write(tmp_path, [["Ann", "Smith", "", "1 High Street", "Holt", "NR25 6BW"]], header))
    signature = Signature.objects.get()
    assert signature.name == "Ann Smith" and signature.address == "1 High Street, Holt"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--map", "nom=Full Name"], "there is no field 'nom'"),
        (["--map", "name"], "write it as field=Column header"),
        (["--map", "name=Nope"], "the file has no column 'Nope'"),
        (["--by", "nobody@example.org"], "not an organiser of petition 1500"),
        (["--encoding", "klingon"], "no such encoding"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_stored(tmp_path, petition, args, message):
    before = everything()
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, [ANN]), *args)
    assert everything() == before


def test_a_file_without_a_column_the_target_needs_is_refused_whole(tmp_path, petition):
    path = write(tmp_path, [["Ann Smith", "1 High Street"]], ["Name", "Address"])
    before = everything()
    with pytest.raises(CommandError, match="no column for the postcode, which Norfolk"):
        run(path)
    assert everything() == before


def test_dry_run_checks_every_row_and_changes_nothing(tmp_path, petition, signer):
    signer(email="ann@example.org")
    before, counts = everything(), get_counts(petition.pk)
    out, _ = run(write(tmp_path, [ANN, BOB, ["", "", "", "", "", ""], BOB[:3] + ["x"]]),
                 "--dry-run")  # fmt: skip
    assert "Would import: 1" in out and "counted once): 1" in out and "Refused: 1" in out
    assert "Dry run: nothing was stored." in out
    assert everything() == before
    assert get_counts(petition.pk) == counts


def test_a_file_that_fails_part_way_stores_nothing_and_says_where(tmp_path, petition):
    path = tmp_path / "broken.csv"
    # Twenty signatures, then empty lines (skipped, and quick) down to line
    # 499, and on line 500 one saved in another encoding: "Zoë" in Latin-1.
    lines = [",".join(HEADER).encode()] + [
        f"Person {n},p{n}@example.org,{n} High Street,NR25 6BW,2025-03-01,yes".encode()
        for n in range(2, 22)
    ]
    lines += [b",,,,,"] * (499 - len(lines))
    lines.append("Zoë Hart,zoe@example.org,1 Lane,NR25 6BW,2025-03-01,yes".encode("latin-1"))
    broken = lines
    path.write_bytes(b"\n".join(broken))
    before = everything()
    with pytest.raises(CommandError) as refused:
        run(path)
    assert "Line 500 of the file is not utf-8 text" in str(refused.value)
    assert "Nothing was imported" in str(refused.value)
    assert everything() == before
    out, _ = run(path, "--encoding", "latin-1", "--dry-run")
    assert "Rows read: 21" in out and "Would import: 21" in out


def test_an_empty_file_is_refused(tmp_path, petition):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        run(path)


def test_headers_are_recognised_however_they_are_written():
    headers = ["E-mail Address", "POSTCODE / ZIP", "Full_Name", "Signed On", "SMS consent"]
    assert map_columns(headers, {}) == {
        "email": 0, "postcode": 1, "name": 2, "signed_at": 3, "consent_sms": 4,
    }  # fmt: skip
    assert header_key("  Post-Code ") == "post code"


@pytest.mark.parametrize(
    ("text", "day"),
    [("2025-03-01T10:00:00Z", "2025-03-01"), ("01/03/2025 09:15", "2025-03-01"),
     ("1 March 2025", "2025-03-01"), ("2025/03/01", "2025-03-01")],
)  # fmt: skip
def test_dates_signed_are_read_as_exports_write_them(text, day):
    assert parse_date(text).date().isoformat() == day
