"""Signatures from another platform's CSV export (`signme import-signatures`).

Each row is checked exactly as a typed paper row is (transcription.RowForm),
compared with every signature of the petition by the same rule
(transcription.find_matches), and kept out if the person had their details
erased or gave a stop notice (people.suppression.kept_out). The whole file is
one transaction: a file that fails part way stores nothing.
"""

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from signme.audit import log as audit
from signme.audit.log import Action
from signme.geography.lookup import areas_of
from signme.people.models import Suppression
from signme.people.suppression import kept_out, kept_out_digests
from signme.petitions.consent import CHANNELS
from signme.petitions.counting import forget_counts
from signme.petitions.models import Consent, Petition, Signature
from signme.petitions.validity import announce_counted, settle

from .transcription import RowForm, find_matches, same_person

# Headers other platforms use, by the field they hold. Compared after
# header_key(), so case, spacing and punctuation do not matter.
ALIASES = {
    "name": ["name", "full name", "fullname", "signer name", "signatory", "your name",
             "signature name", "display name"],
    "first_name": ["first name", "firstname", "forename", "given name", "first"],
    "last_name": ["last name", "lastname", "surname", "family name", "last"],
    "email": ["email", "email address", "e mail", "e mail address", "mail", "signer email"],
    "postcode": ["postcode", "post code", "postal code", "zip", "zip code", "zipcode",
                 "postcode zip", "zip postal code", "postal zip code"],
    "address": ["address", "address 1", "address line 1", "address1", "street address",
                "street", "home address"],
    "address2": ["address 2", "address line 2", "address2"],
    "town": ["town", "city", "town city", "locality"],
    "phone": ["phone", "phone number", "telephone", "mobile", "mobile number"],
    "signed_at": ["date signed", "signed at", "signed on", "date", "signed", "signature date",
                  "created at", "created", "timestamp", "date of signature"],
    "consent_email": ["consent email", "email consent", "email opt in", "opt in email",
                      "email optin", "opt in", "optin", "marketing consent", "contact by email",
                      "subscribed", "subscribe", "email updates"],
    "consent_sms": ["consent sms", "sms consent", "sms opt in", "text consent",
                    "contact by text", "contact by sms"],
    "consent_phone": ["consent phone", "phone consent", "phone opt in", "contact by phone"],
    "consent_post": ["consent post", "post consent", "postal consent", "contact by post"],
}  # fmt: skip
FIELDS = list(ALIASES)
# Only an unambiguous yes is consent; anything else is an unticked box.
_YES = {"yes", "y", "true", "1", "x", "✓", "✔", "ticked", "opted in", "opt in", "subscribed",
        "on", "agreed", "agree"}  # fmt: skip
_DATE_FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y",
                 "%d %B %Y", "%d %b %Y", "%Y/%m/%d"]  # fmt: skip
# Why a row was not imported, as the report names it.
REASONS = {
    "name": "no usable name",
    "address": "no usable address",
    "postcode": "no postcode, or not a UK postcode",
    "email": "email address not valid",
    "phone": "phone number not valid",
    "signed_at": "date signed missing or not understood",
    "future": "date signed is in the future",
    Suppression.Reason.ERASED: "the person had their details erased",
    Suppression.Reason.STOP: "the person gave a stop notice",
}


class ImportProblem(ValueError):
    """The file cannot be imported at all; nothing was stored."""


def header_key(text: str) -> str:
    """'E-mail Address ' -> 'e mail address'."""
    text = re.sub(r"[^0-9a-z]+", " ", (text or "").casefold())
    return " ".join(text.split())


_ALIAS_KEYS = {f: {header_key(a) for a in aliases} for f, aliases in ALIASES.items()}


def parse_map(texts: list[str]) -> dict[str, str]:
    """['name=Full Name,postcode=Post Code'] -> {'name': 'Full Name', …}."""
    mapping = {}
    for text in texts:
        for part in filter(None, (p.strip() for p in text.split(","))):
            target, sep, header = part.partition("=")
            target = target.strip().lower().replace("-", "_")
            if target == "date":
                target = "signed_at"
            if not sep or not header.strip():
                raise ImportProblem(
                    f"--map {part!r}: write it as field=Column header, like name=Full Name."
                )
            if target not in ALIASES:
                raise ImportProblem(
                    f"--map {part!r}: there is no field {target!r}. "
                    f"The fields are: {', '.join(FIELDS)}."
                )
            mapping[target] = header.strip()
    return mapping


def map_columns(headers: list[str], overrides: dict[str, str]) -> dict[str, int]:
    """Which column holds which field: by --map first, then by known headers."""
    keys = [header_key(h) for h in headers]
    columns = {}
    for target, header in overrides.items():
        if header_key(header) not in keys:
            raise ImportProblem(
                f"--map {target}={header}: the file has no column {header!r}. "
                f"Its columns are: {', '.join(headers)}."
            )
        columns[target] = keys.index(header_key(header))
    taken = set(columns.values())
    for target in FIELDS:
        if target in columns:
            continue
        for i, key in enumerate(keys):
            if i not in taken and key in _ALIAS_KEYS[target]:
                columns[target] = i
                taken.add(i)
                break
    return columns


def check_columns(petition: Petition, headers: list[str], columns: dict[str, int]) -> None:
    target = petition.target

    def missing(what: str, field_name: str):
        return ImportProblem(
            f"The file has no column for {what}, which {target.name} needs. Its columns are: "
            f'{", ".join(headers)}. Name the column with --map {field_name}="Its header".'
        )

    if "name" not in columns and not {"first_name", "last_name"} & set(columns):
        raise missing("the signer's name", "name")
    if target.requires_postcode and "postcode" not in columns:
        raise missing("the postcode", "postcode")
    if target.requires_address and "address" not in columns:
        raise missing("the address", "address")


def parse_date(text: str) -> datetime | None:
    """A date signed as exports write it: ISO 8601, or day first (UK)."""
    text = text.strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                when = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


@dataclass
class Report:
    rows: int = 0
    imported: int = 0
    replaced_unconfirmed: int = 0
    duplicates: int = 0
    refused: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    dry_run: bool = False

    @property
    def refused_count(self) -> int:
        return sum(len(rows) for rows in self.refused.values())

    def lines(self) -> list[str]:
        head = "Would import" if self.dry_run else "Imported"
        lines = [
            f"Rows read: {self.rows:,}",
            f"{head}: {self.imported:,}"
            + (
                f" ({self.replaced_unconfirmed:,} in place of an online signature never confirmed)"
                if self.replaced_unconfirmed
                else ""
            ),
            f"Duplicate (the same person signed already; kept, counted once): {self.duplicates:,}",
            f"Refused: {self.refused_count:,}",
        ]
        for reason, rows in sorted(self.refused.items(), key=lambda r: (-len(r[1]), r[0])):
            shown = ", ".join(str(n) for n in rows[:50]) + (", …" if len(rows) > 50 else "")
            lines.append(f"  {REASONS.get(reason, reason)}: {len(rows):,} (rows {shown})")
        if self.dry_run:
            lines.append("Dry run: nothing was stored.")
        return lines


class _Position:
    line = 0


def _decoded(binary, encoding: str, position: _Position):
    """The file's lines as text, one at a time, so a line that is not
    `encoding` is named exactly."""
    for number, raw in enumerate(binary, 1):
        position.line = number
        try:
            yield raw.decode("utf-8-sig" if number == 1 and encoding == "utf-8" else encoding)
        except UnicodeDecodeError as e:
            raise ImportProblem(
                f"Line {number} of the file is not {encoding} text (byte {e.start + 1} of the "
                "line). Nothing was imported. Save the file as UTF-8, or say its encoding "
                "with --encoding, like --encoding cp1252."
            ) from None


def import_signatures(
    petition: Petition,
    binary,
    *,
    overrides: dict[str, str] | None = None,
    platform: str = "",
    encoding: str = "utf-8",
    user=None,
    dry_run: bool = False,
    progress=None,
) -> Report:
    """Read a CSV export from `binary` (a file opened in binary mode) into
    `petition`. `progress(lines_read)` is called as it goes."""
    position = _Position()
    reader = csv.reader(_decoded(binary, encoding, position))
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportProblem("The file is empty. Nothing was imported.") from None
    columns = map_columns(headers, overrides or {})
    check_columns(petition, headers, columns)
    report = Report(dry_run=dry_run)
    store = _Store(petition, platform, user, headers, columns)
    with transaction.atomic():
        for number, cells in enumerate(reader, 2):
            if not any(c.strip() for c in cells):
                continue  # a blank line
            report.rows += 1
            try:
                store.row(number, cells, report)
            except csv.Error as e:
                raise ImportProblem(
                    f"Line {position.line} of the file is not valid CSV ({e}). "
                    "Nothing was imported."
                ) from None
            if progress:
                progress(position.line)
        store.finish()
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit.record(
                user,
                Action.IMPORT,
                f"signatures imported from {platform or 'another platform'}: "
                f"{report.imported} imported, {report.duplicates} duplicates, "
                f"{report.refused_count} refused, of {report.rows} rows",
                petition=petition,
                count=report.imported,
            )
    if not dry_run:
        forget_counts(petition.pk)
    return report


class _Store:
    """Checks and stores rows one by one; settles them together at the end."""

    def __init__(self, petition, platform, user, headers, columns):
        self.petition, self.platform, self.user = petition, platform[:100], user
        self.headers, self.columns = headers, columns
        self.notice = petition.current_notice
        self.kept_out = kept_out_digests(petition.organisation_id)
        self.new_ids: list[int] = []
        # Each postcode's signatures, read once per import (find_matches).
        self.nearby: dict[str, list[Signature]] = {}
        # A postcode's areas, looked up once per import: a town's signers
        # share a few hundred postcodes.
        self.areas: dict[str, dict] = {}
        self.now = timezone.now()

    def cell(self, cells: list[str], name: str) -> str:
        i = self.columns.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def row(self, number: int, cells: list[str], report: Report) -> None:
        def c(name: str) -> str:
            return self.cell(cells, name)

        name = c("name") or " ".join(filter(None, [c("first_name"), c("last_name")]))
        address = ", ".join(filter(None, [c("address"), c("address2"), c("town")]))
        typed = {"name": name, "address": address, "postcode": c("postcode"),
                 "email": c("email"), "phone": c("phone")}  # fmt: skip
        ticks = {}
        for channel in CHANNELS:
            value = c(f"consent_{channel}")
            if f"consent_{channel}" in self.columns:
                ticks[channel] = value
                if value.casefold() in _YES:
                    typed[f"tick_{channel}"] = "on"
        form = RowForm(
            {f"r{number}-{k}": v for k, v in typed.items()}, petition=self.petition, row=number
        )
        if not form.is_valid():
            report.refused[next(iter(form.errors))].append(number)
            return
        data = form.cleaned_data
        signed_at = self.now
        if "signed_at" in self.columns:
            signed_at = parse_date(c("signed_at"))
            if signed_at is None:
                report.refused["signed_at"].append(number)
                return
            if signed_at > self.now + timedelta(days=1):
                report.refused["future"].append(number)
                return
        if reason := kept_out(
            self.petition.organisation_id,
            email=data["email_canonical"],
            phone=data["phone"],
            name=data["name"],
            postcode=data.get("postcode", ""),
            known=self.kept_out,
        ):
            report.refused[reason].append(number)
            return
        for attempt in range(2):
            matches = find_matches(self.petition, data, nearby=self.nearby)
            try:
                with transaction.atomic():
                    outcome = self._store(data, ticks, signed_at, matches)
                break
            except IntegrityError:
                # Someone signed online with this address since we looked:
                # read the postcodes afresh too.
                self.nearby.clear()
                if attempt:
                    raise
        if outcome == "duplicate":
            report.duplicates += 1
        else:
            report.imported += 1
            report.replaced_unconfirmed += outcome == "replaced"

    def _store(self, data, ticks, signed_at, matches) -> str:
        status, duplicate_of, superseded = Signature.Status.VERIFIED, None, None
        if matches:
            # The paper rule: a signature given elsewhere replaces one never
            # confirmed here, which becomes its duplicate.
            status, duplicate_of, superseded = same_person(matches)
        postcode = data.get("postcode", "")
        if postcode not in self.areas:
            self.areas[postcode] = areas_of(postcode)
        signature = Signature.objects.create(
            petition=self.petition,
            name=data["name"],
            email=data["email"],
            email_canonical=data["email_canonical"],
            address=data.get("address", ""),
            postcode=postcode,
            **self.areas[postcode],
            phone=data["phone"],
            source=Signature.Source.IMPORT,
            imported_from=self.platform,
            status=status,
            duplicate_of=duplicate_of,
            # Not shown on the other platform: the notice in force when they
            # came in, under which the organisation now holds them.
            notice=self.notice,
            entered_by=self.user,
            created_at=signed_at,
            verified_at=signed_at,
        )
        self.new_ids.append(signature.pk)
        if superseded is not None:
            Signature.objects.filter(pk=superseded.pk).update(duplicate_of=signature)
            self.new_ids.append(superseded.pk)
        source = self.platform or "another platform"
        Consent.objects.bulk_create(
            Consent(
                signature=signature,
                organisation_id=self.petition.organisation_id,
                channel=channel,
                given=bool(data.get(f"tick_{channel}")),
                wording=f"Imported from {source}: its column "
                f"{self.headers[self.columns[f'consent_{channel}']]!r} said {value[:30]!r}.",
                notice=None,
                mechanism=Consent.Mechanism.IMPORT,
                recorded_by=self.user,
                created_at=self.now,
            )
            for channel, value in ticks.items()
        )
        self._remember(signature, superseded)
        if superseded is not None:
            return "replaced"
        return "duplicate" if duplicate_of else "imported"

    def _remember(self, signature, superseded) -> None:
        """Keep the postcodes already read up to date with what was stored."""
        if signature.postcode in self.nearby:
            self.nearby[signature.postcode].append(signature)
        if superseded is not None:
            for sig in self.nearby.get(superseded.postcode, ()):
                if sig.pk == superseded.pk:
                    sig.status, sig.duplicate_of_id = Signature.Status.DUPLICATE, signature.pk

    def finish(self) -> None:
        """Decide which count, in batches: one UPDATE each, not one a row."""
        for start in range(0, len(self.new_ids), 500):
            chunk = Signature.objects.filter(pk__in=self.new_ids[start : start + 500])
            settle(chunk)
            announce_counted(chunk.filter(source=Signature.Source.IMPORT))


def count_lines(path) -> int:
    """Lines in the file, for the progress bar (a quoted field over several
    lines makes it an estimate, which the bar tolerates)."""
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
