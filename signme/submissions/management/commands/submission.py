"""`signme submission 1500 --out DIR`: make the submission pack on the command line."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signme.lib.progress import ProgressBar
from signme.petitions.models import Petition
from signme.submissions.models import Submission
from signme.submissions.submitting import make_pack


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
