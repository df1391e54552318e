"""`signme import-postcodes FILE.csv [--names NAMES.csv …]`: load the ONS
postcode directory, replacing the edition loaded before."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from signme.geography.directory import DirectoryProblem, import_directory
from signme.lib.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Load the ONS Postcode Directory or the National Statistics Postcode Lookup "
        "(CSV), replacing the edition loaded before, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The directory's CSV, e.g. ONSPD_FEB_2025.csv")
        parser.add_argument(
            "--names",
            type=Path,
            action="append",
            default=[],
            help="An ONS names-and-codes CSV (e.g. LAD23CD,LAD23NM). Repeat for each.",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress.")

    def handle(self, file, names, quiet, **options):
        for path in [file, *names]:
            if not path.is_file():
                raise CommandError(f"There is no file {path}.")
        bar = None if quiet else ProgressBar(stream=self.stderr._out, unit="bytes")
        started = False

        def progress(done: int, total: int):
            nonlocal started
            if not started:
                bar.start(total)
                started = True
            bar.update(done)

        try:
            loaded = import_directory(file, names, progress=progress if bar else None)
        except DirectoryProblem as e:
            if bar and started:
                bar.stream.write("\n" if bar.terminal else "")
            raise CommandError(f"{e} Nothing was changed.") from None
        except UnicodeDecodeError as e:
            raise CommandError(
                f"{file.name} is not UTF-8 text ({e.reason} at byte {e.start}). "
                "Nothing was changed."
            ) from None
        if bar and started:
            bar.finish()
        self.stdout.write(
            f"Loaded {loaded.postcodes:,} postcodes ({loaded.terminated:,} terminated) "
            f"and {loaded.areas:,} areas, {loaded.named:,} of them named."
        )
