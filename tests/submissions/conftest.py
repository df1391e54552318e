"""Signatures, sheets and scans made directly, as the online and paper flows
would have stored them."""

import hashlib
import io
from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from signme.paper.models import Scan
from signme.petitions.models import Consent, Sheet, Signature
from signme.petitions.validity import settle

START = timezone.make_aware(datetime(2026, 10, 1, 9, 0))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def add_signature(petition, i: int = 0, **fields) -> Signature:
    data = {
        "petition": petition,
        "name": f"Signer {i}",
        "email": f"signer{i}@example.org",
        "email_canonical": f"signer{i}@example.org",
        "address": f"{i} Market Place, Holt",
        "postcode": "NR25 6BW",
        "phone": "01263 700000",
        "eligible": True,
        "source": Signature.Source.WEB,
        "status": Signature.Status.VERIFIED,
        "notice": petition.current_notice,
        "created_at": START + timedelta(hours=i),
        "verified_at": START + timedelta(hours=i, minutes=5),
    }
    data.update(fields)
    signature = Signature.objects.create(**data)
    settle(Signature.objects.filter(pk=signature.pk))
    signature.refresh_from_db()
    return signature


def add_consent(signature, given: bool, channel="email", at=None):
    return Consent.objects.create(
        signature=signature,
        organisation_id=signature.petition.organisation_id,
        channel=channel,
        given=given,
        wording="Email me",
        mechanism=Consent.Mechanism.WEB,
        created_at=at or timezone.now(),
    )


def png(text: str) -> bytes:
    image = Image.new("RGB", (620, 440), "white")
    ImageDraw.Draw(image).text((20, 20), text, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def add_sheet(petition, serial: str, tally: int, transcribed: bool, rows: int = 0) -> Sheet:
    sheet = Sheet.objects.create(
        petition=petition,
        serial=serial,
        tally=tally,
        status=Sheet.Status.TRANSCRIBED if transcribed else Sheet.Status.RETURNED,
        returned_at=START,
        transcribed_at=START + timedelta(days=1) if transcribed else None,
    )
    for row in range(1, rows + 1):
        add_signature(
            petition,
            1000 + row,
            name=f"Paper signer {serial} {row}",
            email="",
            email_canonical="",
            source=Signature.Source.PAPER,
            sheet=sheet,
            sheet_row=row,
            eligible=None,
        )
    data = png(f"Sheet {serial}")
    scan = Scan(
        petition=petition, sheet=sheet, sha256=hashlib.sha256(data).hexdigest(), page_number=1
    )
    scan.image.save("scan.png", ContentFile(data), save=False)
    scan.save()
    return sheet
