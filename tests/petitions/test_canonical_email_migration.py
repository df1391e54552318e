"""Migration 0006: canonical emails recomputed by the rules that match
delivery, and signatures that turn out to be one person collapsed."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from signme.petitions.counting import compute_counts, store_counts
from signme.petitions.models import Petition, PetitionCount, PrivacyNotice, Signature, Target

migration = import_module("signme.petitions.migrations.0006_canonical_emails_by_idna")
BEFORE = ("petitions", "0005_signature_validity_and_invalidations")


def old_signature(
    petition, email, *, canonical=None, status="verified", minutes_ago=0, model=Signature
):
    """A signature as the old rules stored it: the address lower-cased, the
    domain as typed. `model` is the historical one when the schema is older
    than the code."""
    signature = model.objects.create(
        petition_id=petition.pk,
        name=f"Signer {email}",
        email=email,
        email_canonical=email.lower() if canonical is None else canonical,
        status=status,
        notice_id=PrivacyNotice.objects.values_list("pk", flat=True).first(),
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        validity="counted" if status == "verified" else "pending",
    )
    return signature


def fields(signature):
    signature.refresh_from_db()
    return (
        signature.email_canonical,
        signature.status,
        signature.duplicate_of_id,
        signature.validity,
        signature.validity_reason,
    )


@pytest.mark.parametrize(
    "earlier, later, canonical",
    [
        ("x@ｇｍａｉｌ.com", "x@gmail.com", "x@gmail.com"),
        ("y@bücher.de", "y@xn--bcher-kva.de", "y@xn--bcher-kva.de"),
        ("y@xn--bcher-kva.de", "Y@BÜCHER.DE", "y@xn--bcher-kva.de"),
    ],
)
def test_a_pair_that_is_one_person_keeps_the_earliest_and_marks_the_later_a_duplicate(
    petition, earlier, later, canonical
):
    first = old_signature(petition, earlier, minutes_ago=10)
    second = old_signature(petition, later)
    store_counts(petition.pk)
    assert compute_counts(petition.pk).online == 2

    migration.recompute(apps, None)

    assert fields(first) == (canonical, "verified", None, "counted", "")
    assert fields(second) == (canonical, "duplicate", first.pk, "duplicate", "same_person")
    assert compute_counts(petition.pk).online == 1
    # The stored count is dropped, so the next reader recounts.
    assert not PetitionCount.objects.filter(petition=petition).exists()


def test_a_confirmed_signature_is_kept_over_an_earlier_one_never_confirmed(petition):
    never_confirmed = old_signature(petition, "x@ｇｍａｉｌ.com", status="pending", minutes_ago=10)
    confirmed = old_signature(petition, "x@gmail.com")
    migration.recompute(apps, None)
    assert fields(confirmed) == ("x@gmail.com", "verified", None, "counted", "")
    assert fields(never_confirmed) == (
        "x@gmail.com",
        "duplicate",
        confirmed.pk,
        "duplicate",
        "same_person",
    )
    assert compute_counts(petition.pk).online == 1


def test_three_spellings_leave_one_live_signature_and_earlier_duplicates_follow_it(petition):
    first = old_signature(petition, "y@bücher.de", minutes_ago=30)
    second = old_signature(petition, "y@BÜCHER.de", canonical="y@bücher.de.", minutes_ago=20)
    third = old_signature(petition, "y@xn--bcher-kva.de", minutes_ago=10)
    # A duplicate already recorded against the second stays a duplicate,
    # now of the one that is kept.
    older_duplicate = old_signature(petition, "y@bücher.de", status="duplicate")
    Signature.objects.filter(pk=older_duplicate.pk).update(duplicate_of=second)
    migration.recompute(apps, None)
    assert fields(first)[1:3] == ("verified", None)
    assert fields(second)[1:3] == ("duplicate", first.pk)
    assert fields(third)[1:3] == ("duplicate", first.pk)
    assert fields(older_duplicate)[:3] == ("y@xn--bcher-kva.de", "duplicate", first.pk)


def test_other_petitions_other_people_and_erased_signatures_are_left_alone(petition):
    target = Target.objects.create(name="Another Council", minimum_signatures=10)
    other = Petition.objects.create(
        number=77, organisation=petition.organisation, target=target, title="Other", statement="x"
    )
    here = old_signature(petition, "x@ｇｍａｉｌ.com")
    there = old_signature(other, "x@gmail.com")
    ascii_ = old_signature(petition, "Jo.Bloggs@Gmail.com", canonical="jobloggs@gmail.com")
    erased = old_signature(petition, "", canonical="")
    store_counts(petition.pk)
    migration.recompute(apps, None)
    assert fields(here) == ("x@gmail.com", "verified", None, "counted", "")
    assert fields(there) == ("x@gmail.com", "verified", None, "counted", "")
    assert fields(ascii_)[:2] == ("jobloggs@gmail.com", "verified")
    assert fields(erased)[:2] == ("", "verified")
    # Nothing collapsed: the stored count stands.
    assert PetitionCount.objects.filter(petition=petition).exists()


def test_a_domain_idna_refuses_keeps_a_folded_form_and_breaks_nothing(petition):
    odd = old_signature(petition, "A@-bad-.ＣＯＭ", canonical="a@-bad-.ｃｏｍ")
    migration.recompute(apps, None)
    assert fields(odd)[:2] == ("a@-bad-.com", "verified")


def test_the_migration_runs_its_step_with_the_models_of_its_time(petition):
    """Migration 0006 is this one data step, and the step works with the
    models as they stood at 0005 (what the migration hands it), not only with
    today's. Unapplying and reapplying the migrations themselves would cost
    the suite seconds of rendering model states and prove no more: Django
    runs a RunPython step with exactly these historical apps."""
    (step,) = migration.Migration.operations
    assert isinstance(step, migrations.RunPython) and step.code is migration.recompute
    historical = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
    first = old_signature(petition, "y@bücher.de", minutes_ago=10)
    second = old_signature(petition, "y@xn--bcher-kva.de")

    migration.recompute(historical, None)

    assert fields(first) == ("y@xn--bcher-kva.de", "verified", None, "counted", "")
    assert fields(second)[1:3] == ("duplicate", first.pk)
