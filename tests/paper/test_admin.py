"""Correcting a tally in the admin."""

from signme.petitions.counting import get_counts
from signme.petitions.models import Sheet


def test_organiser_corrects_a_mistyped_tally_and_the_count_follows(
    client, organiser, returned, petition
):
    client.force_login(organiser)
    before = get_counts(petition.pk).paper_tallied
    url = f"/admin/petitions/sheet/{returned.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"issued_to": returned.issued_to, "tally": "7"})
    assert response.status_code == 302
    assert Sheet.objects.get(pk=returned.pk).tally == 7
    assert get_counts(petition.pk).paper_tallied == before - 3 + 7


def test_outsider_cannot_see_another_organisations_sheets_in_the_admin(client, outsider, returned):
    outsider.is_staff = True
    outsider.save()
    client.force_login(outsider)
    response = client.get(f"/admin/petitions/sheet/{returned.pk}/change/")
    assert response.status_code in (302, 403, 404)
    assert Sheet.objects.get(pk=returned.pk).tally == returned.tally


def test_a_tally_larger_than_the_sheet_is_refused_and_nothing_changes(client, organiser, returned):
    client.force_login(organiser)
    url = f"/admin/petitions/sheet/{returned.pk}/change/"
    response = client.post(url, {"issued_to": returned.issued_to, "tally": "11"})
    assert response.status_code == 200
    assert "This sheet has 10 rows: the tally cannot be more." in response.content.decode()
    assert Sheet.objects.get(pk=returned.pk).tally == 3
