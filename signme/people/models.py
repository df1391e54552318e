from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from signme.lib.language import ENGLISH, WELSH

# Rights requests are answered within one month (UK GDPR art. 12(3)); counted
# as 30 days so the due date never falls after the legal one.
RESPONSE_TIME = timedelta(days=30)


class Suppression(models.Model):
    """Someone this organisation must never contact again (or, for a stop
    notice, whose political opinions it must no longer process).

    Kept as a keyed hash of the canonical email or normalised phone, so the
    list itself reveals nobody, yet a later sign-up or import of the same
    person is recognised."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        PHONE = "phone", "Phone number"
        # A paper signer has no email: their name and postcode, normalised.
        NAME_POSTCODE = "name_postcode", "Name and postcode"

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from one channel")
        OBJECTED = "objected", _("Objected to all contact")
        ERASED = "erased", _("Personal data erased")
        STOP = "stop", _("Stop notice: no processing of political opinions")
        ANONYMISED = "anonymised", _("Anonymised at the end of retention")

    organisation = models.ForeignKey("petitions.Organisation", on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    digest = models.CharField(max_length=64)
    # The channel stopped; blank means every channel.
    channel = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "digest", "channel", "reason"], name="one_suppression"
            )
        ]
        indexes = [models.Index(fields=["organisation", "digest"], name="suppression_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.digest[:8]}… ({self.get_reason_display()})"


class RightsRequest(models.Model):
    """A signer's request from /your-data/, proven by a link sent to the address.

    The address itself is kept only while the request is open (the link needs
    it); the keyed hash stays so the log still says whose request it was.

    A paper signer may have given no email: their request names them by name
    and postcode (kind "paper"), and an organiser checks who it is before
    acting on it. Those details too are kept only while it is open."""

    class Kind(models.TextChoices):
        EMAIL = "email", "By email: proven by a link sent to the address"
        PAPER = "paper", "By name and postcode: checked by an organiser"

    class Wants(models.TextChoices):
        ACCESS = "access", _("A copy of their data")
        ERASE = "erase", _("Their data erased")

    class Status(models.TextChoices):
        LINK_SENT = "link_sent", _("Waiting for the person to open the link")
        NO_DATA = "no_data", _("No data held: nothing sent")
        OPEN = "open", _("Link opened")
        CHECKING = "checking", _("Waiting for an organiser to check who it is")
        DONE = "done", _("Completed")
        EXPIRED = "expired", _("Link expired unused")

    organisations = models.ManyToManyField("petitions.Organisation", blank=True, related_name="+")
    email = models.CharField(max_length=254, blank=True)
    email_digest = models.CharField(max_length=64)
    kind = models.CharField(
        max_length=8, choices=Kind.choices, default=Kind.EMAIL, db_default=Kind.EMAIL
    )
    name = models.CharField(max_length=200, blank=True, db_default="")
    postcode = models.CharField(max_length=8, blank=True, db_default="")
    address = models.CharField(max_length=300, blank=True, db_default="")
    # Where the organiser answers a paper request: an email or a postal address.
    reply_to = models.CharField(max_length=300, blank=True, db_default="")
    wants = models.CharField(max_length=8, choices=Wants.choices, blank=True, db_default="")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.LINK_SENT)
    # The language the person asked in: their link is sent in it.
    language = models.CharField(
        max_length=5,
        choices=[(ENGLISH, "English"), (WELSH, "Welsh")],
        default=ENGLISH,
        db_default=ENGLISH,
    )
    # What the person did, one line each: "access: downloaded", "erasure: 2 signatures".
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="rights_due_idx")]

    def __str__(self):
        return f"Rights request {self.pk}"

    def save(self, *args, **kwargs):
        if self.due_at is None:
            self.due_at = self.created_at + RESPONSE_TIME
        super().save(*args, **kwargs)

    @property
    def masked_email(self) -> str:
        local, _, domain = self.email.partition("@")
        if self.kind == self.Kind.PAPER:
            if not self.name:
                return gettext("(removed)")
            return gettext("%(initial)s… at %(postcode)s") % {
                "initial": self.name[:1],
                "postcode": self.postcode,
            }
        if not self.email:
            return gettext("(removed)")
        return f"{local[:1]}…@{domain}"

    def add_outcome(self, line: str):
        stamp = timezone.now().strftime("%Y-%m-%d %H:%M")
        self.outcome = (self.outcome + "\n" if self.outcome else "") + f"{stamp} {line}"
