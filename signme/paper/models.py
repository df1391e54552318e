from django.conf import settings
from django.db import models
from django.utils import timezone

from signme.petitions.models import Sheet


def scan_path(instance, filename):
    return f"scans/{instance.petition_id}/{instance.sha256[:2]}/{instance.sha256}.png"


class Scan(models.Model):
    """One scanned page of a returned sheet, kept as evidence for the submission."""

    class Status(models.TextChoices):
        FILED = "filed", "Filed with its sheet"
        UNIDENTIFIED = "unidentified", "No readable code: waiting for a person"

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, related_name="scans"
    )
    sheet = models.ForeignKey(
        Sheet, null=True, blank=True, on_delete=models.PROTECT, related_name="scans"
    )
    image = models.FileField(upload_to=scan_path)
    sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=200, blank=True)
    page_number = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FILED)
    # What the ink in the name and signature cells suggests, for a person to confirm.
    suggested_tally = models.PositiveSmallIntegerField(null=True, blank=True)
    rows_with_ink = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self):
        return f"Scan {self.pk} ({self.get_status_display()})"


class RowMark(models.Model):
    """A row that holds no signature: left blank, illegible or struck through.
    Kept so the typist's decision about every row is on record."""

    class Mark(models.TextChoices):
        BLANK = "blank", "Blank"
        ILLEGIBLE = "illegible", "Illegible"
        STRUCK = "struck", "Crossed out"

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="marks")
    row = models.PositiveSmallIntegerField()
    mark = models.CharField(max_length=10, choices=Mark.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "row"], name="one_mark_per_row")]

    def __str__(self):
        return f"{self.sheet} row {self.row}: {self.get_mark_display()}"
