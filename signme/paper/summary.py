"""The paper section of the organiser's petition page."""

from django.db.models import Count, Q, Sum

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
