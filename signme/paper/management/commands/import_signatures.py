"""`signme import-signatures <number> FILE.csv [--map …] [--dry-run]`"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from signme.lib.progress import ProgressBar
from signme.paper.imports import FIELDS, ImportProblem, count_lines, import_signatures, parse_map
from signme.petitions.access import is_organiser
from signme.petitions.models import Petition


class Command(BaseCommand):
    help = (
        "Import signatures from another platform's CSV export into a petition, with the "
        "same checks, duplicate rule and suppression list as typed-up paper rows. The file "
        "is imported whole or not at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", type=int, help="The petition's number, e.g. 1500")
        parser.add_argument("file", type=Path, help="The platform's CSV export")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER,…",
            help="Which column holds which field, where its header is not a usual one, "
            f"e.g. --map 'name=Full Name,postcode=Post Code'. Fields: {', '.join(FIELDS)}.",
        )
        parser.add_argument(
            "--platform",
            default="",
            help="Where the signatures were collected, e.g. 'Change.org': kept with each "
            "one and shown in the submission pack.",
        )
        parser.add_argument(
            "--encoding", default="utf-8", help="The file's encoding (default utf-8)."
        )
        parser.add_argument(
            "--by",
            default="",
            metavar="USERNAME",
            help="The organiser making the import, for the audit log (default: system).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; store nothing."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, number, file, map, platform, encoding, by, dry_run, quiet, **options):
        petition = (
            Petition.objects.select_related("organisation", "target").filter(number=number).first()
        )
        if petition is None:
            raise CommandError(f"There is no petition {number}.")
        if not file.is_file():
            raise CommandError(f"There is no file {file}.")
        try:
            "".encode(encoding)
        except LookupError:
            raise CommandError(f"--encoding {encoding}: no such encoding.") from None
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None or not is_organiser(user, petition):
                raise CommandError(f"--by {by}: not an organiser of petition {number}.")
        bar = None if quiet else ProgressBar(stream=self.stderr._out, unit="lines")
        if bar:
            bar.start(count_lines(file))
        try:
            overrides = parse_map(map)
            with open(file, "rb") as fh:
                report = import_signatures(
                    petition,
                    fh,
                    overrides=overrides,
                    platform=platform.strip(),
                    encoding=encoding,
                    user=user,
                    dry_run=dry_run,
                    progress=bar.update if bar else None,
                )
        except ImportProblem as e:
            if bar and bar.terminal:
                bar.stream.write("\n")
            raise CommandError(str(e)) from None
        if bar:
            bar.finish()
        self.stdout.write("\n".join(report.lines()))
