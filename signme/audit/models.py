from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who viewed, exported, imported or erased personal data, and when.

    Rows are only ever added: the application offers no way to edit or delete
    them (see save() and delete())."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed personal data")
        EXPORT = "export", _("Exported personal data")
        IMPORT = "import", _("Imported or typed up personal data")
        ERASE = "erase", _("Erased personal data")
        ANONYMISE = "anonymise", _("Anonymised on schedule")
        SEND = "send", _("Sent email to signers")
        REQUEST = "request", _("Handled a rights request")
        SUBMIT = "submit", _("Made a submission pack")
        INVALIDATE = "invalidate", _("Ruled signatures out of the count")
        REINSTATE = "reinstate", _("Put signatures back into the count")
        CREATE_PETITION = "create_petition", _("Created a petition")
        CHANGE_PETITION = "change_petition", _("Changed a petition")
        OPEN_PETITION = "open_petition", _("Opened a petition for signatures")
        CLOSE_PETITION = "close_petition", _("Closed a petition")
        INVITE = "invite", _("Invited someone to the team")
        JOIN = "join", _("Joined the team by invitation")
        CHANGE_MEMBER = "change_member", _("Changed a team member's petitions")
        REMOVE_MEMBER = "remove_member", _("Removed someone from the team")
        WEBHOOK = "webhook", _("Added or removed a webhook")
        SHEET = "sheet", _("Logged a sheet back, corrected its tally or reopened its typing")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        max_length=200, help_text="Kept when the user is deleted; 'system' for scheduled jobs."
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    organisation = models.ForeignKey(
        "petitions.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    petition = models.ForeignKey(
        "petitions.Petition", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What was touched, without personal data: "signature 123", "12 rows of sheet S1500-0007".
    subject = models.CharField(max_length=300)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.subject}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")
