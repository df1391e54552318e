"""Every organiser page about one petition leads back to that petition's page."""

import pytest

from signme.mailing.models import Campaign
from signme.paper.sheets import issue_sheets


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def test_every_page_about_petition_1500_links_back_to_its_organiser_page(
    organiser_client, organiser, petition
):
    [sheet] = issue_sheets(petition, 1, "Holt market stall", organiser)
    campaign = Campaign.objects.create(
        petition=petition, subject="News", body="Hello", created_by=organiser
    )
    base = "/organise/petitions/1500/"
    pages = [
        "paper/",
        "paper/returns/",
        "paper/scans/",
        f"paper/sheets/{sheet.sequence}-{sheet.sequence}/",
        f"paper/sheets/{sheet.serial}/",
        "emails/",
        "emails/new",
        f"emails/{campaign.pk}/",
        f"emails/{campaign.pk}/edit",
        "outcome",
        "paper-columns",
    ]
    for page in pages:
        response = organiser_client.get(base + page)
        assert response.status_code == 200, page
        assert f'href="{base}"' in response.content.decode(), page


def test_requests_and_audit_lead_back_to_the_organiser_pages(organiser_client):
    for url in ("/organise/requests/", "/organise/audit/"):
        assert 'href="/organise/"' in organiser_client.get(url).content.decode(), url
