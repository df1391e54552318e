"""Typing up a returned sheet: each row becomes a paper signature, compared
with every signature of the petition so nobody counts twice."""

from dataclasses import dataclass, field

from django import forms
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from signme.audit import log as audit
from signme.audit.log import Action
from signme.geography.lookup import areas_of
from signme.lib.emails import canonical_email
from signme.lib.language import in_language
from signme.lib.names import name_key
from signme.lib.phones import looks_like_phone
from signme.lib.postcodes import InvalidPostcode, normalise_postcode
from signme.people.suppression import kept_out
from signme.petitions.consent import CHANNELS, consent_wording
from signme.petitions.counting import forget_counts
from signme.petitions.forms import clean_text
from signme.petitions.models import Consent, Sheet, Signature
from signme.petitions.validity import announce_counted, settle

from .layout import asks_eligibility
from .models import RowMark, Scan

LIVE = [Signature.Status.PENDING, Signature.Status.VERIFIED]
_MARK_WORDS = {
    RowMark.Mark.BLANK: {"b", "blank", "empty"},
    RowMark.Mark.ILLEGIBLE: {"i", "illegible", "?"},
    RowMark.Mark.STRUCK: {"x", "c", "s", "crossed", "crossed out", "struck", "struck through"},
}
TICK_LABELS = {"email": _("Email"), "sms": _("Text"), "phone": _("Phone"), "post": _("Post")}


class RowRefused(ValueError):
    pass


class RowForm(forms.Form):
    """One row of a sheet, as written on it."""

    # A short text box rather than a select: Enter submits from a text box in
    # every browser, so a typist never leaves the keyboard's home keys.
    mark = forms.CharField(
        label=_("Marker: b blank, i illegible, x crossed out; empty if signed"),
        required=False,
        max_length=20,
    )
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args, petition, row: int, **kwargs):
        kwargs.setdefault("prefix", f"r{row}")
        super().__init__(*args, **kwargs)
        self.petition, self.row = petition, row
        target = petition.target
        self.needs_address = target.requires_address
        self.needs_postcode = target.requires_postcode
        if not (target.requires_address or target.requires_postcode):
            del self.fields["address"]
            del self.fields["postcode"]
        # The sheet's "Yes" column, when the scheme asks who may sign: a tick
        # there answers the question printed over it (pdf.eligibility_line).
        if asks_eligibility(target):
            self.fields["eligible"] = forms.BooleanField(label=_("Yes"), required=False)
        for channel in CHANNELS:
            self.fields[f"tick_{channel}"] = forms.BooleanField(
                label=TICK_LABELS[channel], required=False
            )
        for name in ("name", "address", "postcode", "email", "phone"):
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = "off"
                self.fields[name].widget.attrs["spellcheck"] = "false"

    def tick_fields(self):
        """The ticks in the sheet's order: "Yes", when it has one, then the channels."""
        names = ["eligible"] if "eligible" in self.fields else []
        return [self[n] for n in names + [f"tick_{c}" for c in CHANNELS]]

    def text_fields(self):
        return [
            self[n] for n in ("name", "address", "postcode", "email", "phone") if n in self.fields
        ]

    def clean_mark(self):
        value = self.cleaned_data["mark"].strip().lower()
        if not value:
            return ""
        for mark, words in _MARK_WORDS.items():
            if value in words:
                return mark
        raise forms.ValidationError(
            gettext(
                "Row %(row)s: type b for blank, i for illegible or x for crossed out, "
                "or leave the marker empty"
            )
            % {"row": self.row}
        )

    def clean(self):
        data = super().clean()
        if data.get("mark") or "mark" in self.errors:
            return data
        row = {"row": self.row, "target": self.petition.target.name}
        try:
            data["name"] = clean_text(data.get("name", ""), gettext_noop("The name"))
        except forms.ValidationError as e:
            self.add_error("name", e)
        if not data.get("name") and "name" not in self.errors:
            self.add_error(
                "name",
                gettext("Row %(row)s: type the full name, or mark the row blank or illegible")
                % row,
            )
        if "address" in self.fields:
            try:
                data["address"] = clean_text(data.get("address", ""), gettext_noop("The address"))
            except forms.ValidationError as e:
                self.add_error("address", e)
            if self.needs_address and not data.get("address") and "address" not in self.errors:
                self.add_error(
                    "address",
                    gettext(
                        "Row %(row)s: type the address; %(target)s needs one. "
                        "If it cannot be read, mark the row illegible"
                    )
                    % row,
                )
            raw = (data.get("postcode") or "").strip()
            if raw:
                try:
                    data["postcode"] = normalise_postcode(raw)
                except InvalidPostcode:
                    self.add_error(
                        "postcode",
                        gettext("Row %(row)s: enter a real UK postcode, like NR1 2DH") % row,
                    )
            elif self.needs_postcode:
                self.add_error(
                    "postcode",
                    gettext(
                        "Row %(row)s: type the postcode; %(target)s needs one. "
                        "If it cannot be read, mark the row illegible"
                    )
                    % row,
                )
        email = (data.get("email") or "").strip()
        data["email"] = email
        if email:
            try:
                validate_email(email)
            except forms.ValidationError:
                self.add_error(
                    "email",
                    gettext("Row %(row)s: type the email as written, like name@example.com") % row,
                )
        data["email_canonical"] = canonical_email(email) if email else ""
        phone = (data.get("phone") or "").strip()
        if phone and not looks_like_phone(phone):
            self.add_error(
                "phone",
                gettext("Row %(row)s: type the phone number as digits, like 01603 222222") % row,
            )
        data["phone"] = phone
        return data


# The decision a typist who may not see other signers (a volunteer) sends: a
# row that looks like someone already counted is kept as if they had said
# "same person", counted once, and an organiser sees the match on the sheet.
FOR_REVIEW = "review"


@dataclass
class Outcome:
    signature: Signature | None = None
    mark: RowMark | None = None
    matches: list[Signature] = field(default_factory=list)
    kept_for_review: bool = False

    @property
    def needs_decision(self) -> bool:
        return bool(self.matches) and self.signature is None and self.mark is None


def find_matches(
    petition, data: dict, exclude_id: int | None = None, nearby: dict | None = None
) -> list[Signature]:
    """Live signatures of the petition that look like the same person: the same
    canonical email, or the same name and postcode ignoring case, spacing and
    accents.

    Each lookup filters on exactly the columns of one index (email; petition
    and postcode) and checks status in Python: with status in the WHERE clause
    too, SQLite without statistics may pick the petition/status index and read
    a million rows instead of a handful.

    `nearby` (postcode -> its signatures) keeps each postcode's signatures for
    the next row: an import reads a town's rows, which share their postcodes.
    Whoever passes it adds what it stores (see imports.py)."""
    found = {}
    if data.get("email_canonical"):
        for sig in Signature.objects.filter(email_canonical=data["email_canonical"])[:50]:
            if sig.petition_id == petition.pk:
                found[sig.pk] = sig
    if data.get("postcode") and data.get("name"):
        key = name_key(data["name"])
        postcode = data["postcode"]
        if nearby is None or postcode not in nearby:
            here = list(Signature.objects.filter(petition=petition, postcode=postcode)[:2000])
            if nearby is not None:
                nearby[postcode] = here
        else:
            here = nearby[postcode]
        for sig in here:
            if name_key(sig.name) == key:
                found[sig.pk] = sig
    found.pop(exclude_id, None)
    live = [s for s in found.values() if s.status in LIVE and s.erased_at is None]
    return sorted(live, key=lambda s: s.pk)


def same_person(matches: list[Signature]) -> tuple[str, Signature | None, Signature | None]:
    """(status, duplicate_of, superseded) for a row given outside SignMe's
    online form (in ink, or on another platform) by someone who signed
    already. Never confirmed online: the row is the signature, and the
    unconfirmed one becomes its duplicate (the caller points it at the new
    row). Otherwise the row is a duplicate of the first match."""
    first = matches[0]
    if first.status == Signature.Status.PENDING:
        Signature.objects.filter(pk=first.pk).update(status=Signature.Status.DUPLICATE)
        return Signature.Status.VERIFIED, None, first
    return Signature.Status.DUPLICATE, first, None


def row_taken(sheet: Sheet, row: int) -> bool:
    return (
        Signature.objects.filter(
            sheet=sheet, sheet_row=row, source=Signature.Source.PAPER
        ).exists()
        or RowMark.objects.filter(sheet=sheet, row=row).exists()
    )


def save_row(sheet: Sheet, row: int, data: dict, user, decision: str = "") -> Outcome:
    """Store one typed row. When it looks like someone who already signed, and
    the typist has not said whether it is the same person, nothing is stored and
    the candidates come back to be shown; with FOR_REVIEW, they never do."""
    petition = sheet.petition
    with transaction.atomic():
        sheet = (
            Sheet.objects.select_for_update(of=("self",)).select_related("notice").get(pk=sheet.pk)
        )
        sheet.petition = petition
        if sheet.transcribed_at is not None:
            raise RowRefused(
                gettext("Sheet %(serial)s is marked complete; its rows cannot change.")
                % {"serial": sheet.serial}
            )
        if sheet.returned_at is None:
            raise RowRefused(
                gettext("Log sheet %(serial)s as returned, with its tally, first.")
                % {"serial": sheet.serial}
            )
        if not 1 <= row <= sheet.rows:
            raise RowRefused(
                gettext("Sheet %(serial)s has rows 1 to %(rows)s.")
                % {"serial": sheet.serial, "rows": sheet.rows}
            )
        if row_taken(sheet, row):
            raise RowRefused(
                gettext("Row %(row)s of %(serial)s is already saved. Undo it to change it.")
                % {"row": row, "serial": sheet.serial}
            )
        if data.get("mark"):
            mark = RowMark.objects.create(sheet=sheet, row=row, mark=data["mark"], entered_by=user)
            return Outcome(mark=mark)
        # Someone who had the organisation erase their details, or stop using
        # them, is not stored again from paper, as from an import: the sheet
        # may predate the request, and an erased signature, still counted,
        # can no longer be matched to this row. The row is marked instead,
        # so the sheet still adds up.
        if kept_out(
            petition.organisation_id,
            email=data.get("email_canonical", ""),
            phone=data.get("phone", ""),
            name=data["name"],
            postcode=data.get("postcode", ""),
        ):
            mark = RowMark.objects.create(
                sheet=sheet, row=row, mark=RowMark.Mark.KEPT_OUT, entered_by=user
            )
            audit.record(
                user, Action.IMPORT, f"sheet {sheet.serial} row {row} not stored (kept out)",
                petition=petition, count=0,
            )  # fmt: skip
            return Outcome(mark=mark)
        # Twice at most: someone may sign online with this email between the
        # look and the insert.
        for _ in range(2):
            matches = find_matches(petition, data)
            review = bool(matches) and decision == FOR_REVIEW
            if matches and not review and decision not in ("same", "different"):
                return Outcome(matches=matches)
            try:
                with transaction.atomic():
                    signature = _store(
                        sheet, row, data, user, matches, "same" if review else decision
                    )
                break
            except IntegrityError:
                if decision != FOR_REVIEW:
                    # They signed since the typist decided: show them too.
                    return Outcome(matches=find_matches(petition, data))
        else:
            raise RowRefused(
                gettext("Row %(row)s could not be saved just now. Save it again.") % {"row": row}
            )
        audit.record(
            user, Action.IMPORT, f"sheet {sheet.serial} row {row}", petition=petition, count=1
        )
    return Outcome(signature=signature, kept_for_review=review)


def _store(sheet, row, data, user, matches, decision) -> Signature:
    petition = sheet.petition
    now = timezone.now()
    notice = sheet.notice or petition.current_notice
    status, duplicate_of, email_canonical = (
        Signature.Status.VERIFIED,
        None,
        data["email_canonical"],
    )
    superseded = kept_apart_from = None
    if decision == "same" and matches:
        status, duplicate_of, superseded = same_person(matches)
    elif decision == "different" and matches:
        kept_apart_from = matches[0]
    if decision == "different" and email_canonical:
        # Two people sharing one address (a couple, say): the address stays on
        # record for contact, but cannot be the identity key of both.
        if any(
            s.petition_id == petition.pk and s.status in LIVE
            for s in Signature.objects.filter(email_canonical=email_canonical)
        ):
            email_canonical = ""
    signature = Signature.objects.create(
        petition=petition,
        name=data["name"],
        email=data.get("email", ""),
        email_canonical=email_canonical,
        address=data.get("address", ""),
        postcode=data.get("postcode", ""),
        **areas_of(data.get("postcode", "")),
        phone=data.get("phone", ""),
        **_eligibility(petition.target, data),
        source=Signature.Source.PAPER,
        sheet=sheet,
        sheet_row=row,
        status=status,
        duplicate_of=duplicate_of,
        kept_apart_from=kept_apart_from,
        notice=notice,
        entered_by=user,
        created_at=now,
        verified_at=now,
    )
    if superseded is not None:
        Signature.objects.filter(pk=superseded.pk).update(duplicate_of=signature)
    settle(Signature.objects.filter(pk__in=[signature.pk, getattr(superseded, "pk", None)]))
    announce_counted(Signature.objects.filter(pk=signature.pk))
    # The wording the signers read: the sheet's language, whatever language
    # the person typing it up reads SignMe in.
    with in_language(sheet.language):
        wording = {c: consent_wording(c, petition.organisation.name) for c in CHANNELS}
    Consent.objects.bulk_create(
        Consent(
            signature=signature,
            organisation_id=petition.organisation_id,
            channel=channel,
            given=bool(data.get(f"tick_{channel}")),
            wording=wording[channel],
            notice=notice,
            mechanism=Consent.Mechanism.PAPER,
            recorded_by=user,
            created_at=now,
        )
        for channel in CHANNELS
    )
    return signature


def _eligibility(target, data: dict) -> dict:
    """What a tick in the "Yes" column says. Ticked: yes to the question on
    the sheet; when that question is SignMe's own "Do you live, work or study
    in …?", also that they work or study there if their address is outside
    (as the online form's box says). Left empty: nothing is known, as on a
    sheet without the column: an empty box is not a "no"."""
    if not data.get("eligible"):
        return {}
    asked_areas = bool(target.eligible_areas) and not target.eligibility_question.strip()
    return {"eligible": True, "works_or_studies_in_area": asked_areas}


def undo_row(sheet: Sheet, row: int, user, *, only_typed_by=None) -> bool:
    """Take back a row typed by mistake, while the sheet is still open: with
    only_typed_by, only if that person typed it. False if nothing was undone."""
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.transcribed_at is not None:
            raise RowRefused(
                gettext("Sheet %(serial)s is marked complete; its rows cannot change.")
                % {"serial": sheet.serial}
            )
        marks = RowMark.objects.filter(sheet=sheet, row=row)
        signatures = Signature.objects.filter(
            sheet=sheet, sheet_row=row, source=Signature.Source.PAPER
        )
        if only_typed_by is not None:
            marks = marks.filter(entered_by=only_typed_by)
            signatures = signatures.filter(entered_by=only_typed_by)
        deleted = marks.delete()[0]
        sig = signatures.first()
        if sig is not None:
            # Anyone it had superseded becomes live again.
            Signature.objects.filter(duplicate_of=sig, status=Signature.Status.DUPLICATE).filter(
                ~Q(source=Signature.Source.PAPER)
            ).update(status=Signature.Status.PENDING, duplicate_of=None)
            Signature.objects.filter(duplicate_of=sig).update(duplicate_of=None)
            sig.delete()
            audit.record(user, Action.ERASE, f"sheet {sheet.serial} row {row}, typed in error",
                         petition=sheet.petition, count=1)  # fmt: skip
            deleted += 1
    return bool(deleted)


@dataclass
class Progress:
    signed: int
    duplicates: int
    marked: int
    rows: int
    tally: int | None

    @property
    def done(self) -> int:
        return self.signed + self.duplicates + self.marked

    @property
    def exceeds_tally(self) -> bool:
        return self.tally is not None and self.signed + self.duplicates > self.tally

    @property
    def disagrees(self) -> bool:
        return self.tally is not None and self.tally != self.signed + self.duplicates


def progress(sheet: Sheet) -> Progress:
    sigs = Signature.objects.filter(sheet=sheet, source=Signature.Source.PAPER)
    return Progress(
        signed=sigs.filter(status=Signature.Status.VERIFIED).count(),
        duplicates=sigs.filter(status=Signature.Status.DUPLICATE).count(),
        marked=RowMark.objects.filter(sheet=sheet).count(),
        rows=sheet.rows,
        tally=sheet.tally,
    )


def complete(sheet: Sheet, user) -> Progress:
    """From now on the sheet counts by its rows instead of its tally."""
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.transcribed_at is not None:
            raise RowRefused(
                gettext("Sheet %(serial)s is already marked complete.") % {"serial": sheet.serial}
            )
        if sheet.returned_at is None:
            raise RowRefused(
                gettext("Log sheet %(serial)s as returned, with its tally, first.")
                % {"serial": sheet.serial}
            )
        sheet.transcribed_at = timezone.now()
        sheet.status = Sheet.Status.TRANSCRIBED
        sheet.save(update_fields=["transcribed_at", "status"])
    forget_counts(sheet.petition_id)
    return progress(sheet)


def scan_of(sheet: Sheet) -> Scan | None:
    """The newest scan of the sheet whose rows were read: typed from."""
    return Scan.objects.filter(sheet=sheet).exclude(rows=[]).order_by("-pk").first()


def row_shown_to(sheet: Sheet, row: int, user, organiser: bool) -> bool:
    """Whether this person may see the row's crop: never an erased signer's;
    an organiser any other; a volunteer a row nobody has typed yet, or one
    they typed themselves (as on the transcription page)."""
    signature = Signature.objects.filter(
        sheet=sheet, sheet_row=row, source=Signature.Source.PAPER
    ).first()
    if signature is not None and signature.erased_at is not None:
        return False
    if organiser:
        return True
    typed = signature or RowMark.objects.filter(sheet=sheet, row=row).first()
    return typed is None or typed.entered_by_id == user.pk
