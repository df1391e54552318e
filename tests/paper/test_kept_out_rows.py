"""A paper row from someone who had the organisation erase their details, or
stop using them: not stored again, as an import would not store it, and the
row is marked so the sheet still adds up."""

import pytest

from signme.audit.models import AuditEvent
from signme.paper.models import RowMark
from signme.people.models import Suppression
from signme.people.rights import erase_signatures
from signme.people.suppression import suppress
from signme.petitions.counting import get_counts
from signme.petitions.models import Organisation, Signature

from .test_transcribe import row, url


@pytest.fixture
def typist(client, volunteer):
    client.force_login(volunteer)
    return volunteer


def _stored(petition) -> tuple:
    signatures = Signature.objects.filter(petition=petition)
    return (
        sorted(signatures.values_list("pk", "name", "email", "status")),
        get_counts(petition.pk).total,
    )


def test_someone_erased_online_is_not_stored_again_from_a_sheet(
    client, typist, returned, petition, signer
):
    """Mary signed online, then had her details erased; a sheet she signed
    before that comes back and is typed up."""
    mary = signer("mary@example.org", name="Mary Brown", postcode="NR25 6BW")
    erase_signatures(Signature.objects.filter(pk=mary.pk), Suppression.Reason.ERASED)
    before = _stored(petition)
    assert before[0][0][1:] == ("", "", "verified")  # erased, still there to count

    response = client.post(url(returned, "rows/1"), row(1, email="Mary@Example.org"))

    assert response.status_code == 303
    assert _stored(petition) == before  # no new signature, no new count
    mark = RowMark.objects.get(sheet=returned, row=1)
    assert mark.mark == RowMark.Mark.KEPT_OUT and mark.entered_by == typist
    page = client.get(url(returned)).content.decode()
    assert "Row 1 is not stored: this person asked the organisers to erase" in page
    assert "Not stored: asked to be erased or left alone" in page
    assert AuditEvent.objects.filter(subject="sheet S1500-000001 row 1 not stored (kept out)")


def test_a_stop_notice_by_name_and_postcode_keeps_a_row_without_email_out(
    client, typist, returned, petition
):
    suppress(petition.organisation, Suppression.Reason.STOP, name="Mary Brown",
             postcode="NR25 6BW")  # fmt: skip
    client.post(url(returned, "rows/1"), row(1, name="mary  brown", postcode="nr256bw"))
    assert not Signature.objects.exists()
    assert RowMark.objects.get(sheet=returned, row=1).mark == RowMark.Mark.KEPT_OUT
    # The sheet adds up: one row accounted for, and the next row is typed as usual.
    client.post(url(returned, "rows/2"), row(2, name="Ann Other"))
    assert list(Signature.objects.values_list("name", flat=True)) == ["Ann Other"]


def test_another_organisations_list_and_other_people_change_nothing(
    client, typist, returned, petition, outsider
):
    other = Organisation.objects.get(membership__user=outsider)
    suppress(other, Suppression.Reason.ERASED, name="Mary Brown", postcode="NR25 6BW")
    suppress(petition.organisation, Suppression.Reason.ERASED, name="Someone Else",
             postcode="NR25 6BW")  # fmt: skip
    client.post(url(returned, "rows/1"), row(1))
    assert Signature.objects.get().name == "Mary Brown"
    assert not RowMark.objects.exists()


def test_undoing_the_mark_and_typing_again_keeps_the_row_out(client, typist, returned, petition):
    suppress(petition.organisation, Suppression.Reason.ERASED, name="Mary Brown",
             postcode="NR25 6BW")  # fmt: skip
    client.post(url(returned, "rows/1"), row(1))
    assert client.post(url(returned, "rows/1/undo")).status_code == 303
    assert not RowMark.objects.exists()
    client.post(url(returned, "rows/1"), row(1))
    assert not Signature.objects.exists()
    assert RowMark.objects.get().mark == RowMark.Mark.KEPT_OUT
