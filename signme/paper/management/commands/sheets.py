"""signme sheets <number> --count N --to "…" [--out FILE] [--language cy]"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signme.lib.language import ENGLISH, WELSH, in_language
from signme.paper.pdf import render_sheets
from signme.paper.sheets import issue_sheets
from signme.petitions.models import Petition


def progress_bar(total: int, stream=sys.stderr):
    started = time.monotonic()

    def show(done: int):
        if done != total and done % max(1, total // 50):
            return
        width = 30
        filled = int(width * done / total)
        elapsed = time.monotonic() - started
        stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} sheets {elapsed:.1f}s"
        )
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = "Issue numbered sheets of a petition and write them to one PDF to print."

    def add_arguments(self, parser):
        parser.add_argument("number", type=int, help="The petition's number, e.g. 1500")
        parser.add_argument("--count", type=int, required=True, help="How many sheets")
        parser.add_argument(
            "--to", required=True, help="Who or where they are for, e.g. 'Holt market stall'"
        )
        parser.add_argument("--out", help="The PDF to write (default: in the current folder)")
        parser.add_argument(
            "--language", choices=[ENGLISH, WELSH], default=ENGLISH,
            help="Print the sheets in English (en, the default) or Welsh (cy)",
        )  # fmt: skip

    def handle(self, *args, number, count, to, out=None, language=ENGLISH, **options):
        if not 1 <= count <= 10_000:
            raise CommandError("--count must be between 1 and 10000.")
        if not to.strip():
            raise CommandError("--to must say who or where the sheets are for.")
        petition = (
            Petition.objects.select_related("organisation", "target").filter(number=number).first()
        )
        if petition is None:
            raise CommandError(f"There is no petition {number}.")
        if out:
            path = Path(out)
            if not path.parent.exists():
                raise CommandError(f"The folder {path.parent} does not exist.")
        sheets = issue_sheets(petition, count, to.strip(), language=language)
        if not out:
            path = (
                Path.cwd()
                / f"sheets-{number}-{sheets[0].sequence:06d}-{sheets[-1].sequence:06d}.pdf"
            )
        with in_language(language):
            pdf = render_sheets(
                petition,
                [s.serial for s in sheets],
                notice=sheets[0].notice,
                progress=progress_bar(len(sheets), self.stderr._out),
            )
        path.write_bytes(pdf)
        self.stderr.write(f"Issued {sheets[0].serial} to {sheets[-1].serial} to {to.strip()}.")
        self.stdout.write(str(path.resolve()))
