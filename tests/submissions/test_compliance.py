from signme.petitions.compliance import compliance_warnings
from signme.petitions.models import PaperColumns, PrivacyNotice


def codes(petition):
    return [w.code for w in compliance_warnings(petition)]


def test_demo_petition_warns_that_its_sheet_lacks_an_address_column(petition):
    warnings = compliance_warnings(petition)
    messages = [str(w) for w in warnings]
    assert (
        "Norfolk County Council needs an address for every signatory, "
        "but the paper sheet in use has no address column. Sheets printed from SignMe have one."
        in messages
    )
    assert "sheet_lacks_postcode" in codes(petition)
    assert "form_lacks_address" not in codes(petition)


def test_a_sheet_with_every_column_the_scheme_needs_raises_no_column_warning(petition):
    PaperColumns.objects.filter(petition=petition).update(address=True, postcode=True)
    assert not [c for c in codes(petition) if c.startswith("sheet_lacks")]


def test_a_notice_that_does_not_mention_the_target_is_flagged(petition):
    PrivacyNotice.publish(petition, "We keep your details safe and never sell them.")
    assert "notice_silent_on_target" in codes(petition)


def test_the_demo_notice_shares_with_the_target_but_not_email_addresses(petition):
    found = codes(petition)
    assert "notice_silent_on_target" not in found
    assert "notice_silent_on_email" in found


def test_missing_imprint_return_address_and_target_address_are_each_flagged(petition):
    petition.promoter_name = ""
    petition.return_address = ""
    petition.save()
    petition.target.address = ""
    petition.target.save()
    found = codes(petition)
    assert {"no_imprint", "no_return_address", "target_without_address", "no_printer"} <= set(
        found
    )


def test_a_petition_that_meets_its_scheme_has_no_warnings(petition):
    PaperColumns.objects.filter(petition=petition).update(address=True, postcode=True)
    petition.printer_name = "Print Co"
    petition.printer_address = "1 Press Lane, Norwich"
    petition.save()
    PrivacyNotice.publish(
        petition,
        "We will give your name, address and email address to Norfolk County Council "
        "when we submit the petition.",
    )
    assert compliance_warnings(petition) == []
