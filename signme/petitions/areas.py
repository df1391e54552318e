"""Counted signatures by area: the organiser's breakdown, the public one
(small areas hidden) and the shape the UK Parliament petitions site uses.

One GROUP BY over the seven area columns of the petition's counted
signatures gives each distinct combination; adding them up per type in
Python is cheap (a few thousand combinations even for a national petition)
and scans the signatures once instead of seven times."""

from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count

from signme.geography.models import AREA_TYPES, Area, AreaType

from .models import Petition, Signature

# Below this many signers an area is shown in public as "fewer than 10", so
# nobody can be picked out by where they live.
SMALLEST_PUBLIC = 10
FEWER = f"fewer than {SMALLEST_PUBLIC}"
# Public breakdowns are read under load; they may be this stale.
CACHE_SECONDS = 60

_COLUMNS = [f"area_{t}" for t in AREA_TYPES]


@dataclass(frozen=True)
class AreaCount:
    type: str
    code: str
    name: str
    count: int

    @property
    def type_label(self) -> str:
        return AreaType(self.type).label

    def public(self) -> dict:
        count = self.count if self.count >= SMALLEST_PUBLIC else FEWER
        return {"type": self.type, "code": self.code, "name": self.name, "count": count}


@dataclass(frozen=True)
class Breakdown:
    areas: list[AreaCount]  # largest first within each type, types in AREA_TYPES order
    placed: int  # counted signatures whose postcode the directory holds
    not_placed: int  # counted, with no postcode or one the directory does not hold

    def of_type(self, area_type: str) -> list[AreaCount]:
        return [a for a in self.areas if a.type == area_type]

    def by_type(self) -> list[tuple[str, list[AreaCount]]]:
        return [(AreaType(t).label, self.of_type(t)) for t in AREA_TYPES if self.of_type(t)]


def breakdown(petition: Petition) -> Breakdown:
    combos = (
        Signature.objects.filter(petition=petition, validity=Signature.Validity.COUNTED)
        .values_list("postcode_found", *_COLUMNS)
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[str, Counter] = {t: Counter() for t in AREA_TYPES}
    placed = not_placed = 0
    for found, *codes, n in combos:
        if found in ("found", "terminated"):
            placed += n
        else:
            not_placed += n
        for area_type, code in zip(AREA_TYPES, codes, strict=True):
            if code:
                counts[area_type][code] += n
    codes = {code for c in counts.values() for code in c}
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    areas = [
        AreaCount(area_type, code, names.get(code) or code, n)
        for area_type in AREA_TYPES
        for code, n in sorted(counts[area_type].items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return Breakdown(areas, placed, not_placed)


def public_breakdown(petition: Petition) -> Breakdown:
    """breakdown(), shared for a minute between readers of the public JSON."""
    return cache.get_or_set(f"areas:{petition.pk}", lambda: breakdown(petition), CACHE_SECONDS)


def signatures_by_area(petition: Petition) -> list[dict]:
    return [a.public() for a in public_breakdown(petition).areas]
