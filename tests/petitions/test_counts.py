"""count.json, petition.json and how counts are kept without a counter row."""

from django.core.cache import cache
from django.utils import timezone

from signme.petitions.counting import (
    compute_counts,
    forget_counts,
    get_counts,
)
from signme.petitions.models import PetitionCount, Sheet, Signature, ThresholdReached
from signme.petitions.validity import settle
from signme.web.events import refresh_counts
from tests.conftest import settle_verified


def add_signatures(petition, n, source="web", status="verified", sheet=None, start=0):
    notice = petition.current_notice
    Signature.objects.bulk_create(
        Signature(
            petition=petition,
            name=f"Person {i}",
            email=f"p{i}@example.org" if source == "web" else "",
            email_canonical=f"p{i}@example.org" if source == "web" else "",
            source=source,
            status=status,
            sheet=sheet,
            sheet_row=(i - start + 1) if sheet else None,
            notice=notice,
        )
        for i in range(start, start + n)
    )
    settle(Signature.objects.filter(petition=petition))


def test_count_json_has_the_public_shape_and_cache_headers(client, petition):
    add_signatures(petition, 3)
    add_signatures(petition, 2, status="pending", start=10)
    response = client.get("/petitions/1500/count.json")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"number", "signature_count", "online", "paper", "progress", "updated_at"}
    assert data["number"] == 1500
    assert data["signature_count"] == 3 and data["online"] == 3 and data["paper"] == 0
    assert "max-age=" in response["Cache-Control"]
    assert "stale-while-revalidate" in response["Cache-Control"]


def test_a_returned_sheet_counts_by_tally_until_transcribed_then_by_rows(petition):
    sheet = Sheet.objects.create(
        petition=petition, serial="S-1", tally=8, returned_at=timezone.now()
    )
    add_signatures(petition, 2)
    counts = compute_counts(petition.pk)
    assert (counts.online, counts.paper_tallied, counts.paper_transcribed) == (2, 8, 0)

    # Half typed up: still the tally, never tally plus rows.
    add_signatures(petition, 5, source="paper", sheet=sheet, start=100)
    assert compute_counts(petition.pk).total == 10

    sheet.transcribed_at = timezone.now()
    sheet.save()
    counts = compute_counts(petition.pk)
    assert (counts.paper_tallied, counts.paper_transcribed, counts.total) == (0, 5, 7)


def test_duplicates_and_invalid_rows_are_not_counted(petition):
    add_signatures(petition, 2)
    add_signatures(petition, 1, status="duplicate", start=50)
    add_signatures(petition, 1, status="invalid", start=60)
    assert compute_counts(petition.pk).total == 2


def test_cached_count_is_served_until_it_expires(petition, settings):
    settings.COUNT_TTL = 60
    assert get_counts(petition.pk).total == 0
    add_signatures(petition, 4)
    assert get_counts(petition.pk).total == 0  # within the TTL: the cached figure
    forget_counts(petition.pk)
    assert get_counts(petition.pk).total == 4


def test_a_stale_count_is_recomputed_from_the_rows(petition, settings):
    settings.COUNT_TTL = 0
    settings.COUNT_STALE_AFTER = -1
    assert get_counts(petition.pk).total == 0
    add_signatures(petition, 4)
    assert get_counts(petition.pk).total == 4


def test_petition_json_lists_thresholds_with_the_date_reached(client, petition):
    add_signatures(petition, 20)
    refresh_counts()
    data = client.get("/petitions/1500.json").json()
    assert data["title"] == "Stop the Closure of Norfolk Children Centres"
    assert data["signature_count"] == 20
    by_count = {t["count"]: t for t in data["thresholds"]}
    assert by_count[20]["reached_at"] is not None
    assert by_count[4501]["reached_at"] is None
    assert "debated" in by_count[4501]["triggers"]
    assert "email" not in str(data).lower() or "@" not in str(data)


def test_a_threshold_is_recorded_once(petition):
    add_signatures(petition, 25)
    refresh_counts()
    refresh_counts()
    assert ThresholdReached.objects.filter(petition=petition).count() == 1


def test_draft_petition_has_no_public_json(client, petition):
    petition.status = "draft"
    petition.save()
    assert client.get("/petitions/1500.json").status_code == 404
    assert client.get("/petitions/1500/count.json").status_code == 404


def test_qr_code_is_an_svg_of_the_short_link(client, petition):
    response = client.get("/petitions/1500/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_requests_read_the_stored_aggregate_and_signing_never_writes_it(client, sign, petition):
    refresh_counts()
    stored = PetitionCount.objects.get(petition=petition)
    sign()
    settle_verified(Signature.objects.all())
    assert PetitionCount.objects.get(petition=petition).updated_at == stored.updated_at
    assert client.get("/petitions/1500/count.json").json()["signature_count"] == 0
    refresh_counts()  # the worker's next round
    cache.clear()
    assert client.get("/petitions/1500/count.json").json()["signature_count"] == 1


def test_a_stored_count_left_stale_by_a_stopped_worker_is_recomputed(client, petition, settings):
    PetitionCount.objects.create(
        petition=petition, online=99, updated_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    add_signatures(petition, 2)
    assert client.get("/petitions/1500/count.json").json()["signature_count"] == 2
    assert PetitionCount.objects.get(petition=petition).online == 2
