"""Petition schemes of real bodies, shipped as data (presets/*.json).

Each file records the date its facts were checked; loading one into a target
copies the scheme and its thresholds and notes which preset it came from. The
organiser should still check the live source: councils change their schemes.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Target, Threshold
from .schemes import SCHEME_FIELDS

PRESET_DIR = Path(__file__).parent / "presets"


class UnknownPreset(LookupError):
    pass


@dataclass(frozen=True)
class Preset:
    slug: str
    data: dict

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def checked_on(self) -> date:
        return date.fromisoformat(self.data["checked_on"])

    @property
    def label(self) -> str:
        return gettext("%(name)s (facts checked %(on)s)") % {
            "name": self.name,
            "on": date_format(self.checked_on, "j F Y"),
        }


def all_presets() -> list[Preset]:
    return [
        Preset(path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(PRESET_DIR.glob("*.json"))
    ]


def get_preset(slug: str) -> Preset:
    for preset in all_presets():
        if preset.slug == slug:
            return preset
    raise UnknownPreset(
        f"No preset called {slug!r}. Known: {', '.join(p.slug for p in all_presets())}."
    )


@transaction.atomic
def apply_preset(target: Target | None, slug: str) -> Target:
    """Copy a preset's scheme into `target` (a new target if None), replacing
    its thresholds."""
    preset = get_preset(slug)
    if target is None:
        target = Target(name=preset.name)
    for field in SCHEME_FIELDS:
        setattr(target, field, preset.data.get(field, Target._meta.get_field(field).default))
    target.scheme_checked_on = preset.checked_on
    target.preset = preset.slug
    target.save()
    target.thresholds.all().delete()
    Threshold.objects.bulk_create(
        Threshold(target=target, count=t["count"], triggers=t["triggers"])
        for t in preset.data.get("thresholds", [])
    )
    # bulk_create bypasses Threshold.save(): drop the public pages' cached
    # copy of the thresholds here.
    target.forget_petitions()
    return target
