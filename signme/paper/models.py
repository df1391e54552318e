from django.conf import settings
from django.db import models
from django.utils import timezone


class Sheet(models.Model):
    """One printed sheet. Its serial is printed on it and inside its QR code."""

    class Status(models.TextChoices):
        ISSUED = "issued", "Issued"
        RETURNED = "returned", "Returned and tallied"
        TRANSCRIBED = "transcribed", "Transcribed"

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, related_name="sheets"
    )
    serial = models.CharField(max_length=20, unique=True)
    rows = models.PositiveSmallIntegerField(default=10)
    issued_to = models.CharField(max_length=200, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ISSUED)
    # The number of signed rows counted when it came back. It counts at once,
    # until the transcription is complete and the rows count instead.
    tally = models.PositiveSmallIntegerField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    transcribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["petition", "status"], name="sheet_status_idx")]

    def __str__(self):
        return self.serial

    @property
    def transcription_complete(self) -> bool:
        return self.transcribed_at is not None


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
