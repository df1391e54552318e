import csv
import hashlib
import subprocess

from pypdf import PdfReader

from signme.lib.fonts import missing_glyphs
from signme.petitions.models import Sheet, Signature
from signme.submissions.pack import build_pack, file_names, neutralise

from .conftest import add_sheet, add_signature


def make(petition, tmp_path, name="pack"):
    pack = build_pack(petition, tmp_path / name)
    names = file_names(petition)
    pdf = PdfReader(tmp_path / name / names["pdf"])
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    with open(tmp_path / name / names["csv"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return pack, pdf, text, rows


def test_cover_states_the_petition_the_counts_and_how_the_list_was_checked(petition, tmp_path):
    for i in range(3):
        add_signature(petition, i)
    add_signature(petition, 10, status=Signature.Status.DUPLICATE, email_canonical="d@x.org")
    add_signature(petition, 11, eligible=False)
    add_signature(petition, 12, status=Signature.Status.PENDING)
    pack, pdf, text, rows = make(petition, tmp_path)
    cover = " ".join(pdf.pages[0].extract_text().split())
    assert "Stop the Closure of Norfolk Children Centres" in cover
    assert "We, the undersigned, petition Norfolk County Council to stop their" in cover
    assert "Norfolk County Council Liberal Democrat Group" in cover
    assert "1 October 2026" in cover
    assert "3 online, each confirmed by email" in cover
    assert "1 duplicate signature was removed" in cover
    assert "1 signer who answered that they are not eligible" in cover
    assert "1 online signature never confirmed by email is not counted" in cover
    assert pack.facts.online == 3 and pack.facts.duplicates_removed == 1


def test_only_verified_eligible_signers_are_listed_once_each(petition, tmp_path):
    add_signature(petition, 1, name="Listed Person")
    add_signature(petition, 2, name="Pending Person", status=Signature.Status.PENDING)
    add_signature(petition, 3, name="Duplicate Person", status=Signature.Status.DUPLICATE)
    add_signature(petition, 4, name="Invalid Person", status=Signature.Status.INVALID)
    add_signature(petition, 5, name="Ineligible Person", eligible=False)
    add_signature(petition, 6, name="Erased Person")
    Signature.objects.filter(name="Erased Person").update(erased_at="2026-10-02T00:00:00Z")
    _, _, text, rows = make(petition, tmp_path)
    names = [r[0] for r in rows[1:]]
    assert names == ["Listed Person"]
    for hidden in ["Pending", "Duplicate", "Invalid", "Ineligible", "Erased"]:
        assert f"{hidden} Person" not in text


def test_list_carries_the_schemes_fields_and_never_phones_consents_or_ids(petition, tmp_path):
    signature = add_signature(petition, 1, name="Siân Evans", phone="07700 900123")
    _, _, text, rows = make(petition, tmp_path)
    assert rows[0] == ["Name", "Address", "Postcode", "Date signed", "Channel"]
    assert rows[1] == ["Siân Evans", "1 Market Place, Holt", "NR25 6BW", "2026-10-01", "Online"]
    assert "07700" not in text and "signer1@example.org" not in text
    assert "consent" not in text.lower().replace("email addresses are left out", "")
    assert f"Signature {signature.pk}" not in text


def test_email_is_listed_only_when_the_notice_said_it_goes_to_the_target(petition, tmp_path):
    from signme.petitions.models import PrivacyNotice

    add_signature(petition, 1)
    _, _, text, rows = make(petition, tmp_path, "before")
    assert "Email" not in rows[0]
    assert "Email addresses are left out" in text
    notice = PrivacyNotice.publish(
        petition,
        "We will give your name, address and email address to Norfolk County Council "
        "when we submit the petition.",
    )
    add_signature(petition, 2, notice=notice)
    _, _, text, rows = make(petition, tmp_path, "after")
    assert rows[0] == ["Name", "Address", "Postcode", "Email", "Date signed", "Channel"]
    # Signer 1 was shown the old notice: their email stays out.
    assert [r[3] for r in rows[1:]] == ["", "signer2@example.org"]


def test_paper_rows_count_once_their_sheet_is_typed_up_and_tallies_show_as_counts(
    petition, tmp_path
):
    add_signature(petition, 1)
    add_sheet(petition, "S1500-0001", tally=2, transcribed=True, rows=2)
    add_sheet(petition, "S1500-0002", tally=7, transcribed=False)
    pack, pdf, text, rows = make(petition, tmp_path)
    assert [r[-1] for r in rows[1:]] == [
        "Online",
        "Paper, sheet S1500-0001 row 1",
        "Paper, sheet S1500-0001 row 2",
    ]
    assert pack.facts.paper == 2 and pack.facts.paper_tallied == 7 and pack.facts.total == 10
    assert "7 on paper, counted on 1 returned sheet not yet typed up" in text
    # Both sheets' scans follow the list, one page each.
    assert "Scan of sheet S1500-0001" in pdf.pages[-2].extract_text()
    assert "Scan of sheet S1500-0002" in pdf.pages[-1].extract_text()
    assert len(pdf.pages[-1].images) == 1


def test_a_scan_of_a_sheet_never_returned_is_left_out_of_the_pack(petition, tmp_path):
    add_sheet(petition, "S1500-0001", tally=2, transcribed=True, rows=2)
    add_sheet(petition, "S1500-0002", tally=0, transcribed=False)
    Sheet.objects.filter(serial="S1500-0002").update(
        status=Sheet.Status.ISSUED, returned_at=None, tally=None
    )
    pack, pdf, _, _ = make(petition, tmp_path)
    assert pack.facts.scans == 1
    assert "Scan of sheet S1500-0001" in pdf.pages[-1].extract_text()
    assert not any("S1500-0002" in page.extract_text() for page in pdf.pages)


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(petition, tmp_path):
    add_signature(petition, 1, name='=HYPERLINK("http://x")', address="+44 Road")
    add_signature(petition, 2, name="@SUM(A1)", address="-1 Lane\tTab")
    _, _, _, rows = make(petition, tmp_path)
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert [r[1] for r in rows[1:]] == ["'+44 Road", "'-1 Lane\tTab"]
    assert neutralise("\rX") == "'\rX" and neutralise("Ann") == "Ann"


def test_the_same_data_gives_the_same_bytes_and_the_manifest_verifies(petition, tmp_path):
    for i in range(5):
        add_signature(petition, i, name=["Siân", "李小龍", "Łukasz", "Nguyễn", "Ann"][i])
    add_sheet(petition, "S1500-0001", tally=1, transcribed=True, rows=1)
    first = build_pack(petition, tmp_path / "one")
    second = build_pack(petition, tmp_path / "two")
    assert first.files == second.files
    for name, digest in first.files.items():
        data = (tmp_path / "one" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        assert data == (tmp_path / "two" / name).read_bytes()
    manifest = file_names(petition)["manifest"]
    check = subprocess.run(
        ["sha256sum", "-c", manifest], cwd=tmp_path / "one", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == 2


def test_welsh_polish_vietnamese_and_cjk_names_print_with_no_missing_glyphs(petition, tmp_path):
    names = [
        "Siân Ŵyn ap Rhŷs",
        "Zbigniew Łukasiewicz-Żółć",
        "Nguyễn Thị Ánh Tuyết",
        "李小龍",
        "山田太郎",
        "김민준",
    ]
    for i, name in enumerate(names):
        add_signature(petition, i, name=name, address=f"{i} Ffordd y Bryn, Llanfair")
    _, pdf, text, rows = make(petition, tmp_path)
    for name in names:
        assert missing_glyphs(name) == set()
        assert name in text, name
    assert [r[0] for r in rows[1:]] == names


def test_a_pack_below_the_minimum_is_made_with_a_warning_on_its_cover(petition, tmp_path):
    add_signature(petition, 1)
    pack, pdf, text, _ = make(petition, tmp_path)
    assert "Warning: 1 signature is below the minimum of 20" in text
    assert pack.facts.listed == 1


def test_the_cover_warning_reads_correctly_for_several_signatures(petition, tmp_path):
    add_signature(petition, 1)
    add_signature(petition, 2)
    _, _, text, _ = make(petition, tmp_path)
    assert "Warning: 2 signatures are below the minimum of 20" in text


def test_a_petition_with_no_signatures_gets_a_cover_saying_so(petition, tmp_path):
    add_signature(petition, 1, status=Signature.Status.PENDING)
    pack, pdf, text, rows = make(petition, tmp_path)
    assert rows == [["Name", "Address", "Postcode", "Date signed", "Channel"]]
    assert len(pdf.pages) == 1
    assert "No signatures are listed in this pack." in text
    assert "no signatures yet" in text
    assert Signature.objects.count() == 1


def test_a_target_with_no_address_is_named_on_the_cover_as_such(petition, tmp_path):
    petition.target.address = ""
    petition.target.save()
    add_signature(petition, 1)
    _, pdf, _, _ = make(petition, tmp_path)
    assert "Norfolk County Council, no address recorded" in " ".join(
        pdf.pages[0].extract_text().split()
    )


def test_long_addresses_wrap_instead_of_being_cut(petition, tmp_path):
    address = "Flat 12, The Old Maltings, " + "Very Long Street Name " * 6 + "Holt"
    add_signature(petition, 1, address=address)
    _, _, text, rows = make(petition, tmp_path)
    assert rows[1][1] == address
    assert " ".join(text.split()).count("Very Long Street Name") == 6


def test_a_signer_who_gave_a_stop_notice_is_left_out_of_the_pack(petition, tmp_path):
    from signme.people.suppression import suppress

    add_signature(petition, 1, name="Kept Person")
    add_signature(petition, 2, name="Stopped Person", email_canonical="stopper@example.org")
    suppress(petition.organisation, "stop", email="Stopper@Example.org")
    pack, _, text, rows = make(petition, tmp_path)
    assert [r[0] for r in rows[1:]] == ["Kept Person"]
    assert "Stopped Person" not in text
    assert "1 signer later asked us to stop using their details: counted in the total" in text
    assert pack.facts.online == 1
    assert pack.facts.total == 2  # still in the public count, as on the petition page


def test_the_cover_explains_signers_counted_publicly_but_erased_from_the_list(petition, tmp_path):
    add_signature(petition, 1, name="Kept Person")
    add_signature(petition, 2, name="Erased Person")
    Signature.objects.filter(name="Erased Person").update(erased_at="2026-10-02T00:00:00Z")
    pack, _, text, rows = make(petition, tmp_path)
    assert [r[0] for r in rows[1:]] == ["Kept Person"]
    assert "1 signer later had their details erased at their request" in text
    assert pack.facts.erased == 1
    assert pack.facts.total == 2
