from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from signme.geography.lookup import FOUND, GSS_CODE, TERMINATED, UNKNOWN, split_codes
from signme.lib.language import CHOICES as LANGUAGE_CHOICES
from signme.lib.language import ENGLISH, WELSH, current_language
from signme.lib.markdown import render_markdown

from .cache import forget_public_petition


def validate_gss_codes(value: str) -> None:
    typed = (value or "").replace(",", " ").split()
    bad = [c for c in typed if not GSS_CODE.match(c.upper())]
    if bad:
        raise ValidationError(
            f"{', '.join(bad)}: a GSS code is a letter and eight digits, like E10000020."
        )


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    address = models.TextField(help_text="Postal address, for imprints and the data controller.")
    email = models.EmailField(blank=True, help_text="Where signers can reach the organisation.")
    privacy_policy_url = models.URLField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", gettext_lazy("Organiser")
        VOLUNTEER = "volunteer", gettext_lazy("Volunteer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.ORGANISER)
    # Volunteers see only the petitions they are given; organisers see all of
    # their organisation's.
    petitions = models.ManyToManyField("Petition", blank=True, related_name="volunteers")
    # The language they read SignMe in ("en" or "cy"; empty: not known, so
    # English), for what SignMe sends them on its own, away from any page of
    # theirs (a threshold reached). Kept by petitions.team.remember_language.
    language = models.CharField(max_length=2, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


class Invitation(models.Model):
    """An emailed invitation to join an organisation's team. Its link works
    once (accepted_at), for INVITATION_MAX_AGE, and not after it is cancelled
    (the row is deleted)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation {self.pk} to {self.organisation} as {self.get_role_display()}"


class Target(models.Model):
    """The body petitioned, and its petition scheme as data."""

    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    requires_name = models.BooleanField(default=True)
    requires_address = models.BooleanField(default=True)
    requires_postcode = models.BooleanField(default=True)
    requires_email = models.BooleanField(
        default=True, help_text="Online signatures always need an email to be confirmed."
    )
    eligibility_question = models.CharField(
        max_length=300, blank=True, help_text="Asked of every signer, e.g. 'Do you live in …?'"
    )
    eligible_areas = models.CharField(
        max_length=500,
        blank=True,
        validators=[validate_gss_codes],
        help_text="Optional GSS codes of the areas whose residents count, comma-separated, "
        "e.g. 'E10000020' for Norfolk. A signer whose postcode lies outside them counts "
        "only if they say they work or study there.",
    )
    eligible_postcode_areas = models.CharField(
        max_length=300, blank=True, help_text="Optional, comma-separated, e.g. 'NR, IP, PE'."
    )
    refuse_ineligible = models.BooleanField(
        default=False,
        help_text="Refuse a signer who answers no, instead of recording them as not counted.",
    )
    minimum_signatures = models.PositiveIntegerField(default=0)
    how_to_submit = models.TextField(blank=True)
    scheme_url = models.URLField(blank=True)
    scheme_checked_on = models.DateField(null=True, blank=True)
    submit_by_email = models.EmailField(
        blank=True, help_text="Where the target accepts petitions by email, if it does."
    )
    preset = models.CharField(
        max_length=60, blank=True, help_text="The preset this scheme was last loaded from."
    )

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.eligible_areas = ", ".join(split_codes(self.eligible_areas))
        super().save(*args, **kwargs)
        self.forget_petitions()

    @property
    def eligible_area_codes(self) -> list[str]:
        return split_codes(self.eligible_areas)

    def forget_petitions(self):
        """Public pages show the scheme: drop their cached copies at once."""
        for number in self.petition_set.values_list("number", flat=True):
            forget_public_petition(number)


class Threshold(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="thresholds")
    count = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    triggers = models.CharField(max_length=300, help_text="What the target does at this count.")

    class Meta:
        ordering = ["count"]
        constraints = [
            models.UniqueConstraint(fields=["target", "count"], name="one_threshold_per_count")
        ]

    def __str__(self):
        return f"{self.count:,}: {self.triggers}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.target.forget_petitions()


class Petition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        OPEN = "open", gettext_lazy("Open")
        CLOSED = "closed", gettext_lazy("Closed")

    number = models.PositiveIntegerField(
        unique=True, validators=[MinValueValidator(1)], help_text="Printed on paper: never change."
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    target = models.ForeignKey(Target, on_delete=models.PROTECT)
    title = models.CharField(max_length=200)
    statement = models.TextField(
        help_text="What the target should do, completing 'We, the undersigned, petition "
        "<target> to …'."
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    # The same in Welsh, for readers who read in Welsh; left empty, they get
    # the English (see shown_title). Councils and the Senedd in Wales must
    # take petitions in both.
    title_cy = models.CharField("Title in Welsh", max_length=200, blank=True, default="")
    statement_cy = models.TextField("Statement in Welsh", blank=True, default="")
    body_cy = models.TextField("Why this matters, in Welsh", blank=True, default="")
    body_html_cy = models.TextField(blank=True, editable=False, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    goal = models.PositiveIntegerField(null=True, blank=True)
    return_address = models.TextField(blank=True, help_text="Where paper sheets go back to.")
    promoter_name = models.CharField(max_length=200, blank=True)
    promoter_address = models.TextField(blank=True)
    on_behalf_of = models.CharField(max_length=300, blank=True)
    on_behalf_of_address = models.TextField(blank=True)
    printer_name = models.CharField(max_length=200, blank=True)
    printer_address = models.TextField(blank=True)
    retention_days = models.PositiveIntegerField(
        default=365, help_text="Days after closing before signers' personal data is deleted."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return f"{self.number}: {self.title}"

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The petition must close after it opens."})

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.body_html_cy = render_markdown(self.body_cy)
        super().save(*args, **kwargs)
        forget_public_petition(self.number)

    def get_absolute_url(self):
        return reverse("petition", args=[self.number])

    # The text in the language being rendered (a page, an email, a sheet):
    # the Welsh where there is Welsh, else the English.
    def _shown(self, english: str, welsh: str) -> str:
        return welsh if welsh and current_language() == WELSH else english

    @property
    def shown_title(self) -> str:
        return self._shown(self.title, self.title_cy)

    @property
    def shown_statement(self) -> str:
        return self._shown(self.statement, self.statement_cy)

    @property
    def shown_body(self) -> str:
        return self._shown(self.body, self.body_cy)

    @property
    def shown_body_html(self) -> str:
        return self._shown(self.body_html, self.body_html_cy)

    @property
    def has_welsh(self) -> bool:
        return bool(self.title_cy and self.statement_cy)

    @property
    def short_url(self) -> str:
        return f"{settings.BASE_URL}/{self.number}"

    @property
    def display_short_url(self) -> str:
        return self.short_url.split("://", 1)[-1]

    def is_accepting(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def closed_reason(self, now=None) -> str:
        now = now or timezone.now()
        if self.status == self.Status.DRAFT or (self.opens_at and now < self.opens_at):
            return gettext("This petition is not open for signatures yet.")
        return gettext("This petition is closed and no longer accepts signatures.")

    @property
    def imprint(self) -> str:
        """The Elections Act 2022 imprint, in the order the reference sheet uses."""
        if not self.promoter_name:
            return ""
        # In the language being rendered: the law accepts an imprint in Welsh.
        text = gettext("Published and promoted by %(name)s") % {"name": self.promoter_name}
        if self.on_behalf_of:
            text += gettext(" on behalf of %(name)s") % {"name": self.on_behalf_of}
        addresses = {self.promoter_address.strip(), self.on_behalf_of_address.strip()} - {""}
        if len(addresses) == 1 and self.on_behalf_of:
            text += gettext(", all at %(address)s") % {"address": addresses.pop()}
        else:
            if self.promoter_address:
                text += f", {self.promoter_address.strip()}"
            if self.on_behalf_of_address and self.on_behalf_of_address != self.promoter_address:
                text += f"; {self.on_behalf_of}, {self.on_behalf_of_address.strip()}"
        return text

    @property
    def current_notice(self):
        return self.notices.order_by("-version").first()


class PrivacyNotice(models.Model):
    """The exact words a signer was shown. Never edited: a change is a new version."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="notices")
    version = models.PositiveIntegerField()
    text = models.TextField()
    policy_url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "version"], name="one_notice_version")
        ]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        return f"PN-{self.petition.number}-v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A privacy notice cannot be changed; add a new version.")
        super().save(*args, **kwargs)
        forget_public_petition(self.petition.number)

    def delete(self, *args, **kwargs):
        if self.signatures.exists():
            raise ValidationError("Signers were shown this notice; it must be kept.")
        return super().delete(*args, **kwargs)

    @classmethod
    def publish(cls, petition, text: str, policy_url: str = "") -> "PrivacyNotice":
        current = petition.current_notice
        if current and current.text == text and current.policy_url == policy_url:
            return current
        return cls.objects.create(
            petition=petition,
            version=(current.version + 1) if current else 1,
            text=text,
            policy_url=policy_url,
        )


class Sheet(models.Model):
    """One printed sheet. Its serial is printed on it and inside its QR code."""

    class Status(models.TextChoices):
        ISSUED = "issued", gettext_lazy("Issued")
        RETURNED = "returned", gettext_lazy("Returned and tallied")
        TRANSCRIBED = "transcribed", gettext_lazy("Transcribed")

    petition = models.ForeignKey("Petition", on_delete=models.PROTECT, related_name="sheets")
    serial = models.CharField(max_length=20, unique=True)
    # The petition's running sheet number, from which the serial is made.
    sequence = models.PositiveIntegerField(null=True, blank=True)
    # The privacy notice printed on the sheet: its rows were given under it.
    notice = models.ForeignKey(
        "PrivacyNotice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A sheet downloaded from the public page has no serial until it comes back.
    downloaded = models.BooleanField(default=False)
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
    # The language it is printed in: its rows' consents are stored in the
    # words the signers read. A sheet downloaded from the public page is
    # recorded in the language whoever logs its return says it is printed in.
    language = models.CharField(
        max_length=5,
        choices=LANGUAGE_CHOICES,
        default=ENGLISH,
    )
    # The number of signed rows counted when it came back. It counts at once,
    # until the transcription is complete and the rows count instead.
    tally = models.PositiveSmallIntegerField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    transcribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "paper_sheet"  # its table since before it moved to the core
        indexes = [models.Index(fields=["petition", "status"], name="sheet_status_idx")]
        constraints = [
            models.UniqueConstraint(fields=["petition", "sequence"], name="one_sheet_per_sequence")
        ]

    def __str__(self):
        return self.serial

    def clean(self):
        if self.tally is not None and self.tally > self.rows:
            raise ValidationError(
                {"tally": f"This sheet has {self.rows} rows: the tally cannot be more."}
            )

    @property
    def transcription_complete(self) -> bool:
        return self.transcribed_at is not None


class PaperColumns(models.Model):
    """The columns the petition's paper sheet actually has.

    Sheets printed by SignMe follow the target's scheme, but a petition often
    starts on a sheet someone designed themselves (the reference sheet has no
    address column). The organiser records that sheet's columns here so the
    compliance check can warn before more are handed out."""

    petition = models.OneToOneField(
        "Petition", on_delete=models.CASCADE, related_name="paper_columns"
    )
    name = models.BooleanField(gettext_lazy("Full name"), default=True)
    address = models.BooleanField(gettext_lazy("Address"), default=True)
    postcode = models.BooleanField(gettext_lazy("Postcode"), default=True)
    email = models.BooleanField(gettext_lazy("Email address"), default=True)
    signature = models.BooleanField(gettext_lazy("Signature"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "submissions_papercolumns"  # its table since before it moved
        verbose_name_plural = "paper columns"

    def __str__(self):
        return f"Paper columns of petition {self.petition_id}"


class Channel(models.TextChoices):
    # Translated: a signer reads them on their unsubscribe page and /your-data/.
    EMAIL = "email", gettext_lazy("Email")
    SMS = "sms", gettext_lazy("Text message (SMS)")
    PHONE = "phone", gettext_lazy("Phone call")
    POST = "post", gettext_lazy("Post")


class PostcodeFound(models.TextChoices):
    NO_POSTCODE = "", "No postcode given"
    FOUND = FOUND, "In the postcode directory"
    TERMINATED = TERMINATED, "A terminated postcode, placed by its last areas"
    UNKNOWN = UNKNOWN, "Not in the postcode directory"


class Signature(models.Model):
    # Source and Status are translated: a signer reads them on /your-data/.
    class Source(models.TextChoices):
        WEB = "web", gettext_lazy("Online")
        PAPER = "paper", gettext_lazy("Paper")
        # Signed online on another platform, and imported from its export
        # (`signme import-signatures`); imported_from names the platform.
        IMPORT = "import", gettext_lazy("Online elsewhere, imported")

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Waiting for email confirmation")
        VERIFIED = "verified", gettext_lazy("Verified")
        DUPLICATE = "duplicate", gettext_lazy("Duplicate")
        INVALID = "invalid", gettext_lazy("Invalid")

    class Validity(models.TextChoices):
        """Whether it counts, decided in one place (validity.py) and stored, so
        the page, the JSON, the organiser pages and the pack all agree."""

        PENDING = "pending", gettext_lazy("Not confirmed yet")
        COUNTED = "counted", gettext_lazy("Counted")
        NOT_ELIGIBLE = "not_eligible", gettext_lazy("Recorded, not counted: not eligible")
        DUPLICATE = "duplicate", gettext_lazy("Not counted: the same person signed already")
        INVALIDATED = "invalidated", gettext_lazy("Not counted: invalidated")
        REVIEW = "review", gettext_lazy("Held for review")

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="signatures")
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=254, blank=True)
    email_canonical = models.CharField(max_length=254, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    eligible = models.BooleanField(null=True, help_text="The signer's answer to the question.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    sheet = models.ForeignKey(
        "Sheet", null=True, blank=True, on_delete=models.PROTECT, related_name="signatures"
    )
    imported_from = models.CharField(
        max_length=100,
        blank=True,
        db_default="",
        help_text="For an imported signature: the platform it was signed on.",
    )
    sheet_row = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    # Database defaults too, so rows written by COPY or plain SQL (imports,
    # benchmarks) start out valid.
    validity = models.CharField(
        max_length=12,
        choices=Validity.choices,
        default=Validity.PENDING,
        db_default=Validity.PENDING,
    )
    validity_reason = models.CharField(max_length=40, blank=True, db_default="")
    # A typist said this row and an earlier signature are different people
    # though they look alike: both count, and the pack says so.
    kept_apart_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invalidation = models.ForeignKey(
        "Invalidation", null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    # What a bot does and a person does not (a hidden field filled in, a form
    # sent within a second of being shown): held for an organiser to review.
    flagged = models.CharField(max_length=40, blank=True, db_default="")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # The areas of the postcode when it was signed (geography/lookup.py), by
    # GSS code: kept as they were, whatever later editions of the directory
    # say, and kept on erasure (an area is not a person). Empty: no such area,
    # or a postcode the directory does not hold (postcode_found says which).
    postcode_found = models.CharField(
        max_length=10, blank=True, db_default="", choices=PostcodeFound.choices
    )
    area_country = models.CharField(max_length=9, blank=True, db_default="")
    area_region = models.CharField(max_length=9, blank=True, db_default="")
    area_county = models.CharField(max_length=9, blank=True, db_default="")
    area_district = models.CharField(max_length=9, blank=True, db_default="")
    area_division = models.CharField(max_length=9, blank=True, db_default="")
    area_ward = models.CharField(max_length=9, blank=True, db_default="")
    area_constituency = models.CharField(max_length=9, blank=True, db_default="")
    # The signer said they work or study in the petition's area though their
    # postcode lies outside it (validity.py).
    works_or_studies_in_area = models.BooleanField(default=False, db_default=False)
    # The language they signed in: their confirmation email is in it.
    language = models.CharField(
        max_length=5,
        choices=[(ENGLISH, "English"), (WELSH, "Welsh")],
        default=ENGLISH,
        db_default=ENGLISH,
    )
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="signatures")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["petition", "status", "source"], name="sig_count_idx"),
            models.Index(fields=["petition", "validity", "source"], name="sig_validity_idx"),
            models.Index(fields=["petition", "postcode"], name="sig_postcode_idx"),
            models.Index(fields=["email_canonical"], name="sig_email_idx"),
        ]
        constraints = [
            # One live signature per person and petition, whatever the channel:
            # the database, not a check-then-insert, is what stops a double.
            models.UniqueConstraint(
                fields=["petition", "email_canonical"],
                condition=Q(status__in=["pending", "verified"]) & ~Q(email_canonical=""),
                name="one_signature_per_email",
            ),
            models.UniqueConstraint(
                fields=["sheet", "sheet_row"],
                condition=Q(sheet__isnull=False, sheet_row__isnull=False),
                name="one_signature_per_sheet_row",
            ),
        ]

    def __str__(self):
        return f"Signature {self.pk} on {self.petition_id}"


class SignatureIntake(models.Model):
    """An online signature as it was sent, waiting for the worker to store it
    (signing.take_in), then deleted. Taking a signature writes this one row
    whether or not the address signed before, so neither the answer nor the
    time it takes tells anyone who signed; the worker decides."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    # Kept apart from the rest so that an erasure can find what is still waiting.
    email_canonical = models.CharField(max_length=254)
    data = models.JSONField()
    flagged = models.CharField(max_length=40, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField()

    def __str__(self):
        return f"Signature received for {self.petition_id}"


class Consent(models.Model):
    """One record per channel per signature: given or not, exactly as asked."""

    class Mechanism(models.TextChoices):
        WEB = "web", "Box on the online form"
        PAPER = "paper", "Tick on a paper sheet, typed up"
        IMPORT = "import", "Import"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribe link"
        REQUEST = "request", "Rights request"
        STAFF = "staff", "Recorded by staff"

    signature = models.ForeignKey(
        Signature, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    given = models.BooleanField()
    wording = models.TextField()
    notice = models.ForeignKey(PrivacyNotice, null=True, blank=True, on_delete=models.PROTECT)
    mechanism = models.CharField(max_length=20, choices=Mechanism.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organisation", "channel"], name="consent_org_idx")]

    def __str__(self):
        return f"{self.channel} {'given' if self.given else 'not given'}"


class Invalidation(models.Model):
    """An organiser's decision that signatures matching a rule do not count,
    with the reason. Undoing it puts them back; both stay on record."""

    class Rule(models.TextChoices):
        ADDRESS = "address", "Signed from an address or range"
        DOMAIN = "domain", "Email domain"
        WINDOW = "window", "Signed within a time window"
        NAME = "name", "Name matching a pattern"
        SHEET = "sheet", "Rows of a paper sheet"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="invalidations")
    rule = models.CharField(max_length=10, choices=Rule.choices)
    value = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    matched = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.value or self.starts_at} ({self.reason})"


class ThresholdReached(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="reached")
    threshold = models.ForeignKey(Threshold, on_delete=models.CASCADE)
    count = models.PositiveIntegerField()
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "threshold"], name="reached_once")
        ]

    def __str__(self):
        return f"{self.threshold} reached on {self.reached_at:%Y-%m-%d}"


class PetitionCount(models.Model):
    """The latest aggregate of a petition's signatures, written only by the
    worker and by staff actions, never by signing (see counting.py)."""

    petition = models.OneToOneField(
        Petition, primary_key=True, on_delete=models.CASCADE, related_name="count"
    )
    online = models.PositiveIntegerField(default=0)
    paper_transcribed = models.PositiveIntegerField(default=0)
    paper_tallied = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()
    # The same signatures by day, for the petition page's chart: a grouped
    # query over every row, so made by the worker every few minutes, never
    # by a page ([[ISO date, online, paper], ...]; see counting.store_daily).
    daily = models.JSONField(default=list)
    daily_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"Counts of petition {self.petition_id} at {self.updated_at:%H:%M:%S}"
