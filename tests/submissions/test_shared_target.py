"""A target petitioned by two campaigns: neither may change the scheme the
other's petitions are counted by; each may make a copy for its own."""

import pytest
from django.contrib.auth import get_user_model

from signme.petitions.models import Petition, Target, Threshold


def scheme(target: Target) -> tuple:
    return (
        Target.objects.filter(pk=target.pk).values().get(),
        list(Threshold.objects.filter(target=target).values_list("count", "triggers")),
    )


def form(target: Target, minimum: str) -> dict:
    data = {
        "scheme-name": target.name,
        "scheme-address": target.address,
        "scheme-requires_name": "on",
        "scheme-requires_address": "on",
        "scheme-requires_postcode": "on",
        "scheme-requires_email": "on",
        "scheme-minimum_signatures": minimum,
        "thresholds-TOTAL_FORMS": "0",
        "thresholds-INITIAL_FORMS": "0",
    }
    thresholds = list(target.thresholds.all())
    data["thresholds-TOTAL_FORMS"] = data["thresholds-INITIAL_FORMS"] = str(len(thresholds))
    for i, t in enumerate(thresholds):
        data |= {
            f"thresholds-{i}-id": str(t.pk),
            f"thresholds-{i}-count": str(t.count),
            f"thresholds-{i}-triggers": t.triggers,
        }
    return data


@pytest.fixture
def shared(petition, outsider):
    """The outsider's petition 77 made to the same council as petition 1500."""
    Petition.objects.filter(number=77).update(target=petition.target)
    return petition.target


def test_a_shared_scheme_is_shown_but_not_offered_for_change(client, shared, outsider):
    client.force_login(outsider)
    page = client.get(f"/organise/targets/{shared.pk}/").content.decode()
    assert "Shared with other campaigns" in page
    assert "Make a copy for my petitions" in page
    assert "Save the scheme" not in page and "Load the preset" not in page
    # Their own petition is listed; the other campaign's is not named.
    assert "petition 77" in page and "petition 1500" not in page


@pytest.mark.parametrize("who", ["organiser", "outsider"])
def test_neither_campaign_can_change_a_shared_scheme(client, shared, who, request):
    before = scheme(shared)
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/organise/targets/{shared.pk}/", form(shared, "99"))
    assert response.status_code == 409
    assert "is not yours alone to change" in response.content.decode()
    response = client.post(f"/organise/targets/{shared.pk}/preset", {"preset": "norfolk"})
    assert response.status_code == 409
    assert scheme(shared) == before


def test_a_copy_takes_the_scheme_and_thresholds_and_only_the_copiers_petitions(
    client, shared, outsider, petition
):
    Threshold.objects.get_or_create(target=shared, count=100, defaults={"triggers": "a reply"})
    before = scheme(shared)
    client.force_login(outsider)
    response = client.post(f"/organise/targets/{shared.pk}/copy")
    assert response.status_code == 303
    theirs = Petition.objects.get(number=77).target
    assert theirs.pk != shared.pk
    assert response["Location"] == f"/organise/targets/{theirs.pk}/"
    copied, original = scheme(theirs), before
    assert {k: v for k, v in copied[0].items() if k != "id"} == {
        k: v for k, v in original[0].items() if k != "id"
    }
    assert copied[1] == original[1]
    # Petition 1500 keeps the original, unchanged.
    petition.refresh_from_db()
    assert petition.target_id == shared.pk and scheme(shared) == before

    # The copy is theirs alone: a change now applies to their petition only.
    response = client.post(f"/organise/targets/{theirs.pk}/", form(theirs, "99"))
    assert response.status_code == 303
    theirs.refresh_from_db()
    assert theirs.minimum_signatures == 99
    assert scheme(shared) == before


def test_copying_a_scheme_nobody_else_uses_changes_nothing(client, organiser, petition):
    before = Target.objects.count()
    client.force_login(organiser)
    response = client.post(f"/organise/targets/{petition.target.pk}/copy")
    assert response.status_code == 303
    assert Target.objects.count() == before
    petition.refresh_from_db()
    assert response["Location"] == f"/organise/targets/{petition.target.pk}/"


def test_a_superuser_may_change_a_shared_scheme(client, shared):
    root = get_user_model().objects.create_superuser("root@example.org", password="root-pass-1")
    client.force_login(root)
    response = client.post(f"/organise/targets/{shared.pk}/", form(shared, "42"))
    assert response.status_code == 303
    shared.refresh_from_db()
    assert shared.minimum_signatures == 42
