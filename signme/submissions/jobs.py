from signme.lib.jobs import periodic

from .submitting import build_queued_submissions


@periodic(every=5)
def build_submission_packs():
    build_queued_submissions()
