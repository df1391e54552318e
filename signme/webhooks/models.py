import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Event(models.TextChoices):
    SIGNATURE_COUNTED = "signature.counted", gettext_lazy("A signature is counted")
    THRESHOLD_REACHED = "threshold.reached", gettext_lazy("A threshold is reached")
    SIGNER_OPTED_OUT = "signer.opted_out", gettext_lazy("A signer opts out of contact")


class Webhook(models.Model):
    """Where an organisation wants to hear of events, and the secret each
    body is signed with (kept readable: signing needs it)."""

    organisation = models.ForeignKey(
        "petitions.Organisation", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, default=new_secret)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self):
        return self.url


class Delivery(models.Model):
    """One event for one webhook, written in the same transaction as the
    event and sent by the worker, like an email in the outbox. It names
    objects only: the body is built when it is sent, from what the signer's
    consent allows then."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=Event.choices)
    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    signature = models.ForeignKey(
        "petitions.Signature", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    threshold = models.ForeignKey(
        "petitions.Threshold", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["delivered_at", "failed_at", "send_after"], name="webhook_due_idx"
            )
        ]

    def __str__(self):
        return f"{self.event} #{self.pk}"
