"""Reads from a replica: only in views that opt in, never a write."""

import pytest
from django.conf import settings as django_settings
from django.db import connections, router

from signme.lib import replicas
from signme.lib.replicas import ReplicaRouter, replica_reads
from signme.petitions.models import Petition, PetitionCount

REPLICA = {**django_settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}


class RecordingRouter(ReplicaRouter):
    """The router, noting what it was asked and what it answered."""

    seen: list = []

    def db_for_read(self, model, **hints):
        answer = super().db_for_read(model, **hints)
        self.seen.append(("read", model.__name__, replicas._reading_replica.get(), answer))
        return answer

    def db_for_write(self, model, **hints):
        answer = super().db_for_write(model, **hints)
        self.seen.append(("write", model.__name__, replicas._reading_replica.get(), answer))
        return answer


@pytest.fixture
def recording(settings):
    RecordingRouter.seen = []
    settings.DATABASE_ROUTERS = ["tests.lib.test_replicas.RecordingRouter"]
    return RecordingRouter.seen


def test_without_a_replica_configured_there_is_no_router_and_one_database():
    # The settings every other test runs with: nothing changes by default.
    assert set(django_settings.DATABASES) == {"default"}
    assert django_settings.DATABASE_ROUTERS == []
    assert router.db_for_read(Petition) == "default"


def test_reads_go_to_the_replica_only_inside_replica_reads(monkeypatch):
    monkeypatch.setitem(django_settings.DATABASES, "replica", REPLICA)
    r = ReplicaRouter()
    assert r.db_for_read(Petition) == "default"
    with replica_reads():
        assert r.db_for_read(Petition) == "replica"
        assert r.db_for_write(Petition) == "default"
        assert r.db_for_write(PetitionCount, instance=PetitionCount()) == "default"
    assert r.db_for_read(Petition) == "default"
    assert r.allow_migrate("replica", "petitions") is False
    assert r.allow_migrate("default", "petitions") is True


def test_with_the_router_but_no_replica_every_read_stays_on_the_primary():
    with replica_reads():
        assert ReplicaRouter().db_for_read(Petition) == "default"


def test_the_public_json_reads_from_the_replica_and_writes_only_to_the_primary(
    client, petition, recording, monkeypatch
):
    monkeypatch.setitem(django_settings.DATABASES, "replica", REPLICA)
    # The replica as a test mirror: the primary's own connection, so it
    # sees this test's rows.
    monkeypatch.setattr(connections._connections, "replica", connections["default"], raising=False)
    PetitionCount.objects.all().delete()  # so the request stores a fresh count: a write
    recording.clear()
    assert client.get("/petitions/1500/count.json").status_code == 200
    reads = [s for s in recording if s[0] == "read"]
    writes = [s for s in recording if s[0] == "write"]
    assert reads and all(answer == "replica" for _, _, inside, answer in reads)
    assert writes and all(answer == "default" for *_, answer in writes)
    assert client.get("/petitions/1500.json").status_code == 200
    recording.clear()
    # Pages that did not opt in read from the primary, replica or not.
    assert client.get("/petitions/1500/").status_code == 200
    assert recording and all(answer == "default" for *_, answer in recording)
