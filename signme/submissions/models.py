from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


def public_status_key(petition_id: int) -> str:
    """The cached thresholds-and-outcome block of the public page (public.py)."""
    return f"public-status:{petition_id}"


class Submission(models.Model):
    """One submission pack: who made it, when, what it counted, and the hashes
    of its files, so anyone can later show what was handed over."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Being made")
        READY = "ready", gettext_lazy("Ready")
        FAILED = "failed", gettext_lazy("Failed")

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, related_name="submissions"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    made_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Set when the pack was written outside the media folder (the command line).
    out_dir = models.CharField(max_length=500, blank=True)
    online = models.PositiveIntegerField(default=0)
    paper = models.PositiveIntegerField(default=0)
    paper_tallied = models.PositiveIntegerField(default=0)
    # Counted, but not listed: erased since, or under a stop notice.
    not_listed = models.PositiveIntegerField(default=0)
    duplicates_removed = models.PositiveIntegerField(default=0)
    ineligible_removed = models.PositiveIntegerField(default=0)
    scans = models.PositiveIntegerField(default=0)
    pdf_pages = models.PositiveIntegerField(default=0)
    below_minimum = models.BooleanField(default=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Submission pack {self.pk} of petition {self.petition_id}"

    @property
    def listed(self) -> int:
        return self.online + self.paper

    @property
    def total(self) -> int:
        return self.online + self.paper + self.paper_tallied + self.not_listed


class Outcome(models.Model):
    """What happened after the petition was handed in. Public."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, related_name="outcome"
    )
    submitted_on = models.DateField("Handed in on", null=True, blank=True)
    acknowledged_on = models.DateField("Acknowledged on", null=True, blank=True)
    acknowledgement = models.TextField(
        blank=True, help_text="What the target said when it acknowledged the petition."
    )
    response_on = models.DateField("Response on", null=True, blank=True)
    response = models.TextField(blank=True, help_text="The target's response, in its words.")
    debate_on = models.DateField("Debated on", null=True, blank=True)
    debate = models.TextField(blank=True, help_text="Where and how it was debated.")
    updated_at = models.DateTimeField(auto_now=True)
    signers_told_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Outcome of petition {self.petition_id}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(public_status_key(self.petition_id))  # the public page shows it

    @property
    def is_empty(self) -> bool:
        return not (
            self.submitted_on or self.acknowledged_on or self.response_on or self.debate_on
        )
