"""Only the organisers of the petition's organisation reach the checking
pages: volunteers and other organisations get 404, GET or POST, and nothing
changes."""

import pytest
from django.test import Client

from signme.petitions.invalidation import invalidate

from .conftest import add, snapshot


@pytest.fixture
def targets(petition, organiser):
    """Every URL of the checking pages, with something real behind it."""
    add(petition, "Bot One", ip="203.0.113.1")
    held = add(petition, "Bot Two", ip="203.0.113.2", flagged="honeypot")
    kept = invalidate(petition, "address", "203.0.113.1", reason="Bot", user=organiser)
    base = "/organise/petitions/1500"
    rule = {"rule": "address", "value": "203.0.113.0/24", "reason": "Bots"}
    return [
        ("get", f"{base}/invalidate", {}),
        ("get", f"{base}/trending", {}),
        ("get", f"{base}/review", {}),
        ("post", f"{base}/invalidate", {**rule, "action": "preview"}),
        ("post", f"{base}/invalidate", {**rule, "action": "invalidate"}),
        ("post", f"{base}/invalidate", {**rule, "action": "prefill"}),
        ("post", f"{base}/invalidations/{kept.pk}/undo", {}),
        ("post", f"{base}/review/{held.pk}/count", {}),
        ("post", f"{base}/review/{held.pk}/invalidate", {}),
    ]


def test_volunteers_and_other_organisations_get_404_everywhere_and_change_nothing(
    client, petition, volunteer, outsider, targets
):
    before = snapshot(petition)
    for user in (volunteer, outsider):
        client.force_login(user)
        for method, url, data in targets:
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (user, method, url)
    assert snapshot(petition) == before


def test_signed_out_visitors_are_sent_to_log_in_and_change_nothing(client, petition, targets):
    before = snapshot(petition)
    for method, url, data in targets:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert snapshot(petition) == before


def test_the_organiser_reaches_every_page(client, organiser, targets):
    client.force_login(organiser)
    for method, url, data in targets:
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 303), (method, url)


def test_actions_refuse_a_get(client, organiser, targets):
    client.force_login(organiser)
    for method, url, _ in targets:
        if method == "post" and not url.endswith("/invalidate"):
            assert client.get(url).status_code == 405


def test_actions_need_the_csrf_token(petition, organiser, targets):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(organiser)
    before = snapshot(petition)
    for method, url, data in targets:
        if method == "post":
            assert csrf_client.post(url, data).status_code == 403, url
    assert snapshot(petition) == before
