"""Making a submission pack and keeping the record of it."""

import logging
import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from signme.audit.log import Action, record
from signme.petitions.models import Petition

from .models import Submission
from .pack import Pack, build_pack, file_names, gather_facts, work_units

log = logging.getLogger(__name__)

# Packs this small are made while the organiser waits; bigger ones by the worker.
INLINE_LIMIT = 20_000
CLAIM_TIMEOUT = timedelta(hours=2)


def pack_dir(submission: Submission) -> Path:
    return (
        Path(settings.MEDIA_ROOT)
        / "submissions"
        / str(submission.petition.number)
        / str(submission.pk)
    )


def pack_file(submission: Submission, kind: str) -> Path:
    return pack_dir(submission) / file_names(submission.petition)[kind]


def make_pack(submission: Submission, out_dir: Path | None = None, progress=None) -> Pack:
    """Build the files for `submission`, then record the counts and hashes and
    an audit event."""
    petition = submission.petition
    out_dir = Path(out_dir) if out_dir else pack_dir(submission)
    facts = gather_facts(petition)
    if progress:
        progress.start(work_units(facts))
    pack = build_pack(petition, out_dir, progress=progress, facts=facts)
    names = file_names(petition)
    submission.status = Submission.Status.READY
    submission.made_at = timezone.now()
    submission.online = facts.online
    submission.paper = facts.paper
    submission.paper_tallied = facts.paper_tallied
    submission.not_listed = facts.not_listed
    submission.duplicates_removed = facts.duplicates_removed
    submission.ineligible_removed = facts.ineligible_removed
    submission.scans = facts.scans
    submission.pdf_pages = pack.pdf_pages
    minimum = petition.target.minimum_signatures
    submission.below_minimum = bool(minimum and facts.total < minimum)
    submission.pdf_sha256 = pack.files[names["pdf"]]
    submission.csv_sha256 = pack.files[names["csv"]]
    submission.manifest_sha256 = pack.files[names["manifest"]]
    submission.error = ""
    submission.out_dir = str(out_dir.resolve()) if out_dir != pack_dir(submission) else ""
    submission.save()
    record(
        submission.made_by,
        Action.SUBMIT,
        f"submission pack {submission.pk}: {facts.listed} listed, {facts.total} in total, "
        f"PDF sha256 {submission.pdf_sha256[:16]}…, CSV sha256 {submission.csv_sha256[:16]}…",
        petition=petition,
        count=facts.listed,
    )
    return pack


def request_pack(petition: Petition, user) -> Submission:
    """The organiser asked for a pack: make it now if small, else queue it."""
    submission = Submission.objects.create(petition=petition, made_by=user)
    if gather_facts(petition).listed <= INLINE_LIMIT:
        _build(submission)
    return submission


def _build(submission: Submission) -> None:
    try:
        make_pack(submission)
    except Exception as e:  # noqa: BLE001 - recorded on the row for the organiser
        log.exception("submission pack %s failed", submission.pk)
        shutil.rmtree(pack_dir(submission), ignore_errors=True)
        Submission.objects.filter(pk=submission.pk).update(
            status=Submission.Status.FAILED, error=f"{type(e).__name__}: {e}"[:300]
        )


def build_queued_submissions() -> int:
    """Worker job: make the packs that were too big to make in a request.
    A conditional UPDATE claims each, so two workers never make the same one."""
    now = timezone.now()
    n = 0
    waiting = Submission.objects.filter(status=Submission.Status.QUEUED).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    )
    for pk, claimed_at in waiting.values_list("pk", "claimed_at"):
        claimed = Submission.objects.filter(
            pk=pk, status=Submission.Status.QUEUED, claimed_at=claimed_at
        ).update(claimed_at=now)
        if claimed:
            _build(Submission.objects.select_related("petition").get(pk=pk))
            n += 1
    return n
