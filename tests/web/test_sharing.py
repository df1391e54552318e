"""Sharing a petition: the Open Graph image, the share links on the pages a
signer sees after signing, the embeddable count and the badge."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from PIL import Image

from signme.petitions.counting import forget_counts
from signme.petitions.models import Petition, PetitionCount
from signme.web.share_image import count_text, share_png, shown_count
from tests.web.test_petition_page import online

CSP = "Content-Security-Policy"


@pytest.mark.parametrize(
    "total, shown",
    [(0, (0, False)), (999, (999, False)), (1000, (1000, False)), (1234, (1200, True)),
     (12345, (12000, True)), (6_100_000, (6_100_000, False)), (6_123_456, (6_100_000, True))],
)  # fmt: skip
def test_the_share_image_count_is_rounded_down_to_two_figures_past_a_thousand(total, shown):
    assert shown_count(total) == shown


def test_the_share_image_words_for_one_and_for_a_rounded_count():
    assert count_text(1) == "1 signature"
    assert count_text(12345) == "More than 12,000 signatures"


def test_the_share_image_is_a_1200_by_630_png_kept_in_the_cache(client, petition):
    online(petition, 3, petition.created_at)
    forget_counts(petition.pk)
    response = client.get("/petitions/1500/share.png")
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("public, max-age=600")
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    # Kept under the count it shows, so the next signature does not redraw it.
    petition.refresh_from_db()
    assert cache.get(f"share:1500:{petition.updated_at.timestamp()}:3") == response.content
    assert client.get("/petitions/1500/share.png").content == response.content


def test_a_title_in_chinese_is_drawn_in_the_fallback_font(petition):
    petition.title = "保留诺福克儿童中心" * 6  # no spaces: broken between characters
    png = share_png(petition, 5)
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


def test_the_share_image_changes_when_the_title_does(client, petition):
    first = client.get("/petitions/1500/share.png").content
    petition.title = "Keep every children's centre in Norfolk open"
    petition.save()
    assert client.get("/petitions/1500/share.png").content != first


def test_the_thank_you_page_has_plain_share_links_and_the_link_to_copy(client, petition):
    html = client.get("/petitions/1500/signed").content.decode()
    assert 'href="mailto:?subject=Stop%20the%20Closure' in html
    assert 'href="https://wa.me/?text=' in html
    assert 'href="https://x.com/intent/post?text=' in html
    assert (
        'href="https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Flocalhost%3A8000%2F1500"'
        in html
    )
    assert '<input type="text" id="share-link" value="http://localhost:8000/1500" readonly' in html
    assert "<script" not in html
    assert 'href="/petitions/1500/sheet.pdf"' in html


def test_the_widget_may_be_framed_by_any_site_and_nothing_else_may(client, petition):
    online(petition, 1, petition.created_at)
    forget_counts(petition.pk)
    response = client.get("/petitions/1500/widget")
    assert response.status_code == 200
    assert "frame-ancestors *" in response[CSP]
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"].startswith("public, max-age=")
    html = response.content.decode()
    assert "<script" not in html and "Set-Cookie" not in str(response.cookies)
    assert "<strong>1</strong> signature</p>" in html
    assert 'href="http://localhost:8000/petitions/1500/" target="_blank" rel="noopener"' in html
    assert "19 more needed to reach 20" in html
    # Every other page still refuses to be framed.
    page = client.get("/petitions/1500/")
    assert "frame-ancestors 'none'" in page[CSP] and page["X-Frame-Options"] == "DENY"


def test_a_closed_petitions_widget_and_badge_say_so(client, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    petition.refresh_from_db()
    petition.save()  # forgets the cached copy
    assert "closed and no longer accepts" in client.get("/petitions/1500/widget").content.decode()
    svg = client.get("/petitions/1500/badge.svg").content.decode()
    assert "closed: 0 signatures" in svg


def test_the_badge_is_an_svg_image_with_its_text_for_screen_readers(client, petition):
    # The worker's count row, as if it had just aggregated 1,234 signatures.
    PetitionCount.objects.create(petition=petition, online=1234, updated_at=timezone.now())
    response = client.get("/petitions/1500/badge.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"].startswith("public, max-age=60")
    svg = ET.fromstring(response.content)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("aria-label") == "petition 1500: 1,234 signatures"
    assert svg.find(f"{ns}title").text == "petition 1500: 1,234 signatures"
    assert not svg.findall(f".//{ns}script")
    assert int(svg.get("width")) > 100


def test_a_staff_session_gets_private_embeds(petition, organiser):
    staff = Client()
    staff.force_login(organiser)
    for url in [
        "/petitions/1500/widget",
        "/petitions/1500/badge.svg",
        "/petitions/1500/share.png",
    ]:
        assert staff.get(url)["Cache-Control"] == "private, no-store"
