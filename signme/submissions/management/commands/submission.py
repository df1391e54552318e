"""`signme submission 1500 --out DIR`: make the submission pack on the command line."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signme.petitions.models import Petition
from signme.submissions.models import Submission
from signme.submissions.submitting import make_pack


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream=sys.stderr, width=30):
        self.stream, self.width = stream, width
        self.total = self.done = 0
        self.started = self.drawn = 0.0

    def start(self, total: int):
        self.total, self.started = max(total, 1), time.monotonic()
        self.draw(force=True)

    def __call__(self, n: int):
        self.done += n
        self.draw()

    def draw(self, force=False):
        now = time.monotonic()
        if not force and now - self.drawn < 0.1 and self.done < self.total:
            return
        self.drawn = now
        share = min(self.done / self.total, 1)
        bar = "#" * int(share * self.width)
        self.stream.write(
            f"\r[{bar:<{self.width}}] {share:4.0%} {self.done:,}/{self.total:,} "
            f"{now - self.started:5.1f}s"
        )
        self.stream.flush()

    def finish(self):
        self.done = self.total
        self.draw(force=True)
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Make the submission pack of a petition: PDF, CSV and a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument("number", type=int, help="The petition's number, e.g. 1500.")
        parser.add_argument("--out", required=True, type=Path, help="Folder for the files.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, number, out, quiet, **options):
        petition = (
            Petition.objects.select_related("organisation", "target").filter(number=number).first()
        )
        if petition is None:
            raise CommandError(f"There is no petition {number}.")
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder.")
        submission = Submission.objects.create(petition=petition, made_by=None)
        bar = None if quiet else ProgressBar()
        pack = make_pack(submission, out_dir=out, progress=bar)
        if bar:
            bar.finish()
        facts = pack.facts
        self.stdout.write(
            f"Petition {number}: {facts.listed:,} signatories listed "
            f"({facts.online:,} online, {facts.paper:,} paper), {facts.total:,} in total, "
            f"{pack.pdf_pages:,} PDF pages."
        )
        minimum = petition.target.minimum_signatures
        if minimum and facts.total < minimum:
            self.stdout.write(
                self.style.WARNING(
                    f"Below the minimum: {petition.target.name} asks for {minimum:,}."
                )
            )
        for name, digest in pack.files.items():
            self.stdout.write(f"{digest}  {out / name}")
        self.stdout.write(f"Check with: cd {out} && sha256sum -c {name}")
