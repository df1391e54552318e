from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from signme.lib.markdown import render_markdown

from .kinds import EmailKind


class OutboundEmail(models.Model):
    """An email waiting to go, written in the same transaction as what caused it.

    A worker claims rows with a conditional UPDATE, sends them and marks them
    sent, so an SMTP outage only delays mail and two workers never send the
    same row.
    """

    kind = models.CharField(max_length=40, choices=EmailKind.choices)
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
    # Organiser updates: one row per person and campaign, enforced by the
    # database, so a double click or a restarted fan-out queues nobody twice.
    campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    recipient_key = models.CharField(max_length=254, blank=True)
    # Bulk mail waits behind transactional mail (confirmations, rights links)
    # and is throttled.
    bulk = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "send_after"], name="outbox_due_idx"),
            models.Index(fields=["bulk", "sent_at", "send_after"], name="outbox_bulk_due_idx"),
            models.Index(fields=["campaign", "sent_at"], name="outbox_campaign_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "recipient_key"],
                condition=Q(campaign__isnull=False) & ~Q(recipient_key=""),
                name="one_email_per_person_and_campaign",
            )
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


class Campaign(models.Model):
    """One email to many of a petition's signers: an organiser's update, or
    the news of the petition's outcome.

    Pressing send only flips the status (a conditional UPDATE, so a double
    click does nothing more); the rows are then queued in chunks, remembering
    how far it got (see bulk.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Waiting to be queued"
        QUEUING = "queuing", "Queuing recipients"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="campaigns"
    )
    kind = models.CharField(
        max_length=40, choices=EmailKind.choices, default=EmailKind.ORGANISER_UPDATE
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    test_sent_at = models.DateTimeField(null=True, blank=True)
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    # Fan-out progress: the last signature id queued, and a lease so a worker
    # that died half-way is replaced by the next.
    fanout_after = models.BigIntegerField(default=0)
    fanout_claimed_by = models.CharField(max_length=40, blank=True)
    fanout_claimed_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)
