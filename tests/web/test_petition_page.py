"""What the petition page adds for a campaigner: links to print more sheets
and to a signer's data, progress toward each threshold, and signatures per
day as an SVG chart with a table of the same figures."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from signme.petitions.counting import compute_counts, daily_counts, forget_counts
from signme.petitions.models import Invalidation, Sheet, Signature
from signme.petitions.validity import settle

LONDON = ZoneInfo("Europe/London")


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=LONDON)


def online(petition, n, when, status="verified", start=0, **kw):
    notice = petition.current_notice
    rows = Signature.objects.bulk_create(
        Signature(
            petition=petition,
            name=f"Person {i}",
            email=f"p{i}@example.org",
            email_canonical=f"p{i}@example.org",
            status=status,
            created_at=when - timedelta(hours=1),
            verified_at=when if status == "verified" else None,
            notice=notice,
            **kw,
        )
        for i in range(start, start + n)
    )
    settle(Signature.objects.filter(pk__in=[r.pk for r in rows]))


def sheet(petition, serial, returned, tally=None, transcribed=None):
    return Sheet.objects.create(
        petition=petition,
        serial=serial,
        status="returned",
        tally=tally,
        returned_at=returned,
        transcribed_at=transcribed,
    )


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_links_to_print_more_sheets_and_to_your_data(client, petition):
    html = client.get("/petitions/1500/").content.decode()
    assert 'href="/petitions/1500/sheet.pdf"' in html
    assert "Print more sheets" in html
    assert html.count('href="/your-data/"') >= 2  # by the privacy notice, and in the footer


@pytest.mark.parametrize(
    "url", ["/", "/petitions/1500/", "/petitions/1500/signed", "/your-data/", "/150"]
)
def test_every_public_page_has_your_data_in_its_footer(client, petition, url):
    html = client.get(url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/your-data/"' in footer


def test_progress_is_shown_toward_each_threshold_and_the_goal(client, petition):
    online(petition, 25, timezone.now())
    forget_counts(petition.pk)
    html = client.get("/petitions/1500/").content.decode()
    bars = re.findall(r'<progress class="progress" max="(\d+)" value="(\d+)"', html)
    assert bars == [("20", "20"), ("4501", "25"), ("10000", "25")]
    words = text(html)
    assert "20 : the council must accept and respond to it" in words
    assert "Reached ." in words
    assert "4,476 more needed to reach 4,501" in words
    assert "9,975 more needed to reach 10,000" in words
    # Each bar is named by its threshold and described by its text.
    assert 'aria-labelledby="step-2" aria-describedby="step-2-text"' in html


def test_one_signature_is_one_signature_not_one_signatures(client, petition):
    online(petition, 1, timezone.now())
    forget_counts(petition.pk)
    words = text(client.get("/petitions/1500/").content.decode())
    assert "1 signature " in words and "1 signatures" not in words


def test_the_chart_counts_per_day_only_what_the_total_counts(client, petition, settings):
    online(petition, 3, at(2))
    online(petition, 2, at(4), start=10)
    online(petition, 4, at(4), status="pending", start=20)  # not confirmed
    online(petition, 1, at(4), start=30, eligible=False)  # answered no
    sheet(petition, "S-1", returned=at(3), tally=7)  # counts by its tally
    typed = sheet(petition, "S-2", returned=at(3), transcribed=at(5))
    Signature.objects.create(
        petition=petition, name="Row One", source="paper", sheet=typed, sheet_row=1,
        status="verified", created_at=at(5), notice=petition.current_notice,
    )  # fmt: skip
    settle(Signature.objects.filter(source="paper"))

    days = daily_counts(petition.pk)
    assert [(d.day.day, d.online, d.paper) for d in days] == [(2, 3, 0), (3, 0, 8), (4, 2, 0)]
    # A typed row counts on the day its sheet came back, not the day it was typed.
    assert sum(d.total for d in days) == compute_counts(petition.pk).total == 13

    forget_counts(petition.pk)
    html = client.get("/petitions/1500/").content.decode()
    chart = html[
        html.index('<section class="chart"') : html.index(
            "</section>", html.index("chart-heading")
        )
    ]
    assert '<svg class="chart-svg"' in chart and 'role="img"' in chart
    assert "<script" not in chart
    rows = re.findall(
        r"<tr><th scope=\"row\">([^<]+)</th>" + r'<td class="num">([\d,]+)</td>' * 3, chart
    )
    assert rows == [
        ("4 November 2026", "2", "0", "13"),
        ("3 November 2026", "0", "8", "11"),
        ("2 November 2026", "3", "0", "3"),
    ]
    assert chart.count('class="bar-online"') == 2 and chart.count('class="bar-paper"') == 1


def test_an_invalidated_signature_leaves_the_chart_too(petition, organiser):
    online(petition, 2, at(2))
    assert sum(d.total for d in daily_counts(petition.pk)) == 2
    Signature.objects.filter(name="Person 0").update(
        invalidation=Invalidation.objects.create(
            petition=petition, rule="name", value="Person 0", reason="Test", created_by=organiser
        )
    )
    settle(Signature.objects.all())
    assert sum(d.total for d in daily_counts(petition.pk)) == 1


def test_no_chart_before_anything_counts(client, petition):
    online(petition, 2, timezone.now(), status="pending")
    html = client.get("/petitions/1500/").content.decode()
    assert "chart-heading" not in html


def test_the_page_carries_share_image_and_card_tags(client, petition, settings):
    settings.BASE_URL = "https://signme.example"
    html = client.get("/petitions/1500/").content.decode()
    assert (
        '<meta property="og:image" content="https://signme.example/petitions/1500/share.png">'
        in html
    )
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert (
        '<meta name="twitter:image" content="https://signme.example/petitions/1500/share.png">'
        in html
    )
    # The codes to embed the count, ready to copy.
    assert '&lt;iframe src="https://signme.example/petitions/1500/widget"' in html
    assert "https://signme.example/petitions/1500/badge.svg" in html


def test_the_chart_speaks_welsh_on_the_welsh_page(client, petition):
    online(petition, 3, at(2))
    forget_counts(petition.pk)
    html = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    chart = html[
        html.index('<section class="chart"') : html.index(
            "</section>", html.index("chart-heading")
        )
    ]
    for welsh in ("Llofnodion bob dydd", "Barrau ar gyfer pob diwrnod", "Cyfanswm hyd yma",
                  "Llofnodion a gyfrifwyd yn unig", "2 Tachwedd 2026"):  # fmt: skip
        assert welsh in chart, welsh
    for english in (
        "Signatures each day",
        "Bars for each day",
        "Total so far",
        "Counted signatures",
    ):
        assert english not in chart, english
