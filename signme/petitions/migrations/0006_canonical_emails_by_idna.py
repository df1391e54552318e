"""Existing signatures' canonical emails, recomputed by the rules that match
delivery: NFKC, and the domain IDNA-encoded by UTS #46, so x@ｇｍａｉｌ.com is
x@gmail.com and y@bücher.de is y@xn--bcher-kva.de.

Two live signatures of one petition that now share a canonical address are
one person, and the one-signature-per-email constraint allows only one: the
earliest verified one (or, if none is verified, the earliest) stays as it
is, the others become its duplicates, as a second signing would have.

The suppression list cannot be recomputed: it stores only keyed hashes of
the old canonical forms. Someone suppressed under an address whose form
changes (an internationalised domain, fullwidth letters) is matched again
once they are suppressed under the new form; ASCII addresses, nearly all of
them, keep the same form and the same hash.

The canonicalisation below is a frozen copy of signme.lib.emails as it was
when this was written: the library may change, this migration must not."""

import re
import unicodedata
from collections import defaultdict

import idna
from django.db import migrations

LIVE = ("pending", "verified")
MAX_LENGTH = 254
_TRAILING = re.compile(r"[\s.]+\Z")
_DOTS_IGNORED = {"gmail.com", "googlemail.com"}
_PLUS_TAGS = _DOTS_IGNORED | {
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "live.co.uk",
    "icloud.com",
    "me.com",
    "fastmail.com",
    "proton.me",
    "protonmail.com",
    "btinternet.com",
}
_ALIASES = {"googlemail.com": "gmail.com"}


def canonical_email(address):
    address = (address or "").strip()
    if address.isascii():
        address = address.lower()
    else:
        address = unicodedata.normalize(
            "NFKC", unicodedata.normalize("NFKC", address).lower()
        )
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address
    domain = _TRAILING.sub("", domain)
    if not domain.isascii():
        try:
            encoded = idna.encode(domain, uts46=True).decode("ascii").rstrip(".")
        except (idna.IDNAError, UnicodeError):
            return f"{local}@{domain}"
        if len(local) + 1 + len(encoded) > MAX_LENGTH:
            return f"{local}@{domain}"
        domain = encoded
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{_ALIASES.get(domain, domain)}"


def recompute(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    PetitionCount = apps.get_model("petitions", "PetitionCount")
    changed = {}
    rows = (
        Signature.objects.exclude(email_canonical="")
        .exclude(email="")
        .values_list("id", "email", "email_canonical")
    )
    for pk, email, old in rows.iterator(chunk_size=2000):
        new = canonical_email(email)
        if new != old and len(new) <= MAX_LENGTH:
            changed[pk] = new
    if not changed:
        return

    # Every live signature that will hold one of the new forms: those that
    # change to it, and those that already have it.
    fields = ("id", "petition_id", "email_canonical", "status", "created_at")
    live = defaultdict(dict)
    ids = sorted(changed)
    for i in range(0, len(ids), 500):
        for row in Signature.objects.filter(id__in=ids[i : i + 500], status__in=LIVE).values(
            *fields
        ):
            live[(row["petition_id"], changed[row["id"]])][row["id"]] = row
    forms = sorted(set(changed.values()))
    for i in range(0, len(forms), 500):
        for row in Signature.objects.filter(
            email_canonical__in=forms[i : i + 500], status__in=LIVE
        ).values(*fields):
            if row["id"] not in changed:
                live[(row["petition_id"], row["email_canonical"])][row["id"]] = row

    # Duplicates first, so no moment has two live rows with one form.
    recount = set()
    for (petition_id, _form), group in live.items():
        if len(group) < 2:
            continue
        # A confirmed signature is the one to keep: marking it the duplicate of
        # one never confirmed would take a real signer out of the count.
        keep, *others = sorted(
            group.values(), key=lambda r: (r["status"] != "verified", r["created_at"], r["id"])
        )
        losers = [r["id"] for r in others]
        Signature.objects.filter(id__in=losers).update(
            status="duplicate",
            duplicate_of_id=keep["id"],
            validity="duplicate",
            validity_reason="same_person",
        )
        Signature.objects.filter(duplicate_of_id__in=losers).update(duplicate_of_id=keep["id"])
        recount.add(petition_id)

    by_form = defaultdict(list)
    for pk, new in changed.items():
        by_form[new].append(pk)
    for new, pks in by_form.items():
        Signature.objects.filter(id__in=pks).update(email_canonical=new)

    # A missing count row is recomputed by the next reader or the worker.
    PetitionCount.objects.filter(petition_id__in=recount).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0005_signature_validity_and_invalidations"),
    ]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True),
    ]
