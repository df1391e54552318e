"""The chart's signatures by day is made by the worker and stored with the
count; the petition page reads it and never groups a petition's signatures
itself, however many there are, unless no worker has made one."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signme.petitions.cache import page_cache_key
from signme.petitions.counting import get_daily, store_daily
from signme.petitions.models import PetitionCount
from signme.web import events
from signme.web.events import refresh_counts
from tests.web.test_petition_page import at, online

SIGNATURES = "petitions_signature"


def grouped_over_signatures(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "GROUP BY" in q["sql"] and SIGNATURES in q["sql"].split("GROUP BY")[0]
    ]


def page(client) -> str:
    return client.get("/petitions/1500/").content.decode()


def chart_rows(html: str) -> int:
    chart = html[html.index('<section class="chart"') :]
    return chart[: chart.index("</section>")].count('<tr><th scope="row">')


def a_new_process():
    """What another app process holds: nothing in its cache."""
    cache.clear()


def test_the_worker_stores_the_series_and_the_page_only_reads_it(client, petition):
    online(petition, 3, at(2))
    online(petition, 2, at(4), start=10)
    refresh_counts()
    row = PetitionCount.objects.get(petition=petition)
    assert row.daily == [["2026-11-02", 3, 0], ["2026-11-04", 2, 0]]
    a_new_process()
    with CaptureQueriesContext(connection) as queries:
        html = page(client)
    assert grouped_over_signatures(queries.captured_queries) == []
    assert chart_rows(html) == 2


def made_at(petition):
    return PetitionCount.objects.get(petition=petition).daily_at


def made_ago(seconds: float):
    PetitionCount.objects.update(daily_at=timezone.now() - timedelta(seconds=seconds))


@pytest.fixture(autouse=True)
def worker_timings(monkeypatch):
    """What one worker process has timed, for this test only."""
    monkeypatch.setattr(events, "_daily_cost", {})
    return events._daily_cost


def test_a_cheap_series_follows_the_count_at_once(petition, settings, worker_timings):
    settings.DAILY_REFRESH = 60
    online(petition, 3, at(2))
    refresh_counts()  # made in milliseconds: timed by the worker
    first = made_at(petition)
    refresh_counts()  # nothing moved: kept
    assert made_at(petition) == first

    online(petition, 1, at(3), start=10)
    # The worker counts every few seconds, and made this one in milliseconds
    # (set, not timed here: a busy machine must not turn it into a costly one).
    made_ago(1)
    worker_timings[petition.pk] = 0.005
    refresh_counts()  # moved: made again at the next count
    row = PetitionCount.objects.get(petition=petition)
    assert row.daily == [["2026-11-02", 3, 0], ["2026-11-03", 1, 0]]
    assert row.daily_at > first


def test_a_costly_series_is_made_again_at_most_every_daily_refresh(
    petition, settings, worker_timings
):
    settings.DAILY_REFRESH = 60
    online(petition, 3, at(2))
    refresh_counts()
    worker_timings[petition.pk] = 10.0  # as if it took ten seconds
    first = made_at(petition)

    online(petition, 1, at(3), start=10)
    refresh_counts()  # moved, but made less than a minute ago
    row = PetitionCount.objects.get(petition=petition)
    assert row.daily_at == first and row.daily == [["2026-11-02", 3, 0]]

    made_ago(61)
    refresh_counts()  # moved, and due
    assert PetitionCount.objects.get(petition=petition).daily[-1] == ["2026-11-03", 1, 0]

    made_ago(61)
    before = made_at(petition)
    refresh_counts()  # due, but nothing moved: kept as it was
    assert made_at(petition) == before

    made_ago(601)
    refresh_counts()  # ten times DAILY_REFRESH: made again, moved or not
    assert made_at(petition) > before


def test_without_a_worker_a_page_makes_it_for_its_process_and_writes_nothing(client, petition):
    online(petition, 2, at(2))
    with CaptureQueriesContext(connection) as queries:
        assert chart_rows(page(client)) == 1
    assert grouped_over_signatures(queries.captured_queries)  # made here
    assert not PetitionCount.objects.exclude(daily_at=None).exists()  # a GET writes nothing

    cache.delete(page_cache_key(1500, "", "en-gb"))  # the next render, in the same process
    with CaptureQueriesContext(connection) as queries:
        assert chart_rows(page(client)) == 1
    assert grouped_over_signatures(queries.captured_queries) == []


def test_a_series_no_worker_renewed_for_long_is_made_again_by_a_page(petition, settings):
    online(petition, 2, at(2))
    store_daily(petition.pk)
    online(petition, 1, at(3), start=10)
    a_new_process()
    assert [d.total for d in get_daily(petition.pk)] == [2]  # fresh enough: as stored

    PetitionCount.objects.update(
        daily_at=timezone.now() - timedelta(seconds=settings.DAILY_STALE_AFTER + 1)
    )
    a_new_process()
    assert [d.total for d in get_daily(petition.pk)] == [2, 1]


def test_while_one_request_makes_it_the_others_show_no_chart_rather_than_wait(client, petition):
    online(petition, 2, at(2))
    cache.add(f"daily:{petition.pk}:lock", 1, 300)  # another thread is making it
    with CaptureQueriesContext(connection) as queries:
        html = page(client)
    assert grouped_over_signatures(queries.captured_queries) == []
    assert "chart-heading" not in html
    assert not PetitionCount.objects.filter(petition=petition).exclude(daily_at=None).exists()


def test_the_chart_moves_with_the_count_once_the_worker_has_made_it(
    client, petition, settings, worker_timings
):
    settings.COUNT_TTL = 0  # each render reads the stored count, and the stored series
    refresh_counts()
    assert "chart-heading" not in page(client)  # nothing counts yet
    online(petition, 2, at(2))
    made_ago(1)  # the worker counts every few seconds
    worker_timings[petition.pk] = 0.005  # and this one is cheap to make
    refresh_counts()
    cache.delete(page_cache_key(1500, "", "en-gb"))
    html = page(client)
    assert chart_rows(html) == 1
    assert '<span class="count-number"' in html and ">2<" in html
