"""The paper section of the organiser's petition page."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum

from signme.petitions.models import Sheet

from .models import Scan


def paper_summary(petition) -> dict:
    sheets = Sheet.objects.filter(petition=petition).aggregate(
        issued=Count("id"),
        returned=Count("id", filter=Q(returned_at__isnull=False)),
        transcribed=Count("id", filter=Q(transcribed_at__isnull=False)),
        tallied=Sum("tally", filter=Q(transcribed_at=None)),
    )
    sheets["waiting"] = sheets["returned"] - sheets["transcribed"]
    sheets["tallied"] = sheets["tallied"] or 0
    sheets["unidentified"] = Scan.objects.filter(
        petition=petition, status=Scan.Status.UNIDENTIFIED
    ).count()
    return sheets


@dataclass
class Holder:
    """The sheets given to one volunteer or place, and where they are now."""

    issued_to: str
    issued: int = 0
    returned: int = 0
    scanned: int = 0
    typed: int = 0
    missing_serials: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Issued and not returned: not logged, and no scan of it filed."""
        return self.issued - self.returned

    @property
    def missing_ranges(self) -> list[str]:
        return serial_ranges(self.missing_serials)


def serial_ranges(serials: list[str]) -> list[str]:
    """['S1500-000002', 'S1500-000003', 'S1500-000007'] ->
    ['S1500-000002 to S1500-000003', 'S1500-000007']: a volunteer's missing
    sheets are usually a run from one batch."""
    ranges, run = [], []
    for serial in sorted(serials):
        if run and int(serial[-6:]) == int(run[-1][-6:]) + 1 and serial[:-6] == run[-1][:-6]:
            run.append(serial)
            continue
        if run:
            ranges.append(run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}")
        run = [serial]
    if run:
        ranges.append(run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}")
    return ranges


def sheets_by_holder(petition) -> tuple[list[Holder], Holder]:
    """Every sheet of the petition accounted for, by who or where it was given
    to: out, back, scanned, typed up and missing. Returns the rows (those with
    sheets missing first) and their totals. Two queries, however many sheets."""
    filed = Scan.objects.filter(sheet=OuterRef("pk"), status=Scan.Status.FILED)
    rows = (
        Sheet.objects.filter(petition=petition)
        .annotate(has_scan=Exists(filed))
        .values("issued_to")
        .annotate(
            issued=Count("id"),
            returned=Count("id", filter=Q(returned_at__isnull=False)),
            scanned=Count("id", filter=Q(has_scan=True)),
            typed=Count("id", filter=Q(transcribed_at__isnull=False)),
        )
        .order_by()
    )
    holders = {
        r["issued_to"]: Holder(
            r["issued_to"] or "Not recorded", r["issued"], r["returned"], r["scanned"], r["typed"]
        )
        for r in rows
    }
    missing = Sheet.objects.filter(petition=petition, returned_at=None).values_list(
        "issued_to", "serial"
    )
    for issued_to, serial in missing.iterator():
        holders[issued_to].missing_serials.append(serial)
    total = Holder("Total")
    for h in holders.values():
        total.issued += h.issued
        total.returned += h.returned
        total.scanned += h.scanned
        total.typed += h.typed
    ordered = sorted(holders.values(), key=lambda h: (-h.missing, h.issued_to.casefold()))
    return ordered, total
