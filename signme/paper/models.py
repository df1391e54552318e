from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    # Each row as read: {"row", "state" (blank, written or unsure),
    # "confidence" (0 to 1), "box" (its crop in image pixels: left, top,
    # right, bottom), "quad" (its four corners in image pixels)}.
    rows = models.JSONField(default=list, blank=True)
    # Why a page with a code was not filed, for the person who files it.
    note = models.CharField(max_length=200, blank=True)
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

    @property
    def unsure_rows(self) -> list[int]:
        return [r["row"] for r in self.rows if r.get("state") == "unsure"]

    @property
    def tally_is_sure(self) -> bool:
        """Every row read with confidence: only then is a tally offered."""
        return bool(self.rows) and not self.unsure_rows

    @property
    def tally_range(self) -> tuple[int, int]:
        written = sum(1 for r in self.rows if r.get("state") == "written")
        return written, written + len(self.unsure_rows)

    def row_reading(self, row: int) -> dict | None:
        return next((r for r in self.rows if r.get("row") == row), None)


class BlankedRow(models.Model):
    """A row of a stored scan painted white because its signer was erased."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="blanked")
    row = models.PositiveSmallIntegerField()
    blanked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scan", "row"], name="blank_row_once")]

    def __str__(self):
        return f"Scan {self.scan_id} row {self.row} blanked"


class RowMark(models.Model):
    """A row that holds no signature: left blank, illegible or struck through,
    or kept out because the person asked the organisation to erase their details
    or stop using them. Kept so the decision about every row is on record."""

    class Mark(models.TextChoices):
        BLANK = "blank", _("Blank")
        ILLEGIBLE = "illegible", _("Illegible")
        STRUCK = "struck", _("Crossed out")
        KEPT_OUT = "kept_out", _("Not stored: asked to be erased or left alone")

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
