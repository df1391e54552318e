from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    """An email waiting to go, written in the same transaction as what caused it.

    A worker claims rows with a conditional UPDATE, sends them and marks them
    sent, so an SMTP outage only delays mail and two workers never send the
    same row.
    """

    kind = models.CharField(max_length=40)
    to = models.CharField(max_length=254)
    # Rendered at send time from `kind` and these references when `subject` is
    # empty, so the signing request does not pay for template rendering.
    signature = models.ForeignKey(
        "petitions.Signature", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    petition = models.ForeignKey(
        "petitions.Petition", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "send_after"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
