"""`signme load-preset norwich-city-council [--target ID]`: copy a preset scheme."""

from django.core.management.base import BaseCommand, CommandError

from signme.petitions.models import Target
from signme.petitions.presets import UnknownPreset, all_presets, apply_preset


class Command(BaseCommand):
    help = "Load a preset petition scheme into a target (a new one unless --target is given)."

    def add_arguments(self, parser):
        parser.add_argument("preset", nargs="?", help="A preset's name; omit to list them.")
        parser.add_argument("--target", type=int, help="The id of the target to update.")

    def handle(self, preset, target, **options):
        if not preset:
            for p in all_presets():
                self.stdout.write(f"{p.slug}: {p.label}")
            return
        existing = None
        if target is not None:
            existing = Target.objects.filter(pk=target).first()
            if existing is None:
                raise CommandError(f"There is no target {target}.")
        try:
            result = apply_preset(existing, preset)
        except UnknownPreset as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"Target {result.pk} ({result.name}) now follows the preset {preset}, "
            f"checked {result.scheme_checked_on:%-d %B %Y}."
        )
