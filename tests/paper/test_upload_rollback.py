"""An upload that fails part way stores nothing: no rows, and no page image
left in the media folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from signme.paper import scans
from signme.paper.models import Scan
from signme.paper.pdf import render_sheets
from signme.petitions.models import Sheet

from .synthetic import image_file, pdf_to_images


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return lambda: sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())


def pages(petition, sheets, n=3):
    images = pdf_to_images(render_sheets(petition, [s.serial for s in sheets[:n]]))
    return [SimpleUploadedFile(f"{i}.png", image_file(img)) for i, img in enumerate(images)]


def test_a_database_failure_on_the_third_page_leaves_no_files(
    petition, sheets, media, monkeypatch
):
    before = list(Sheet.objects.order_by("pk").values())
    save = Scan.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Scan, "save", failing_save)
    with pytest.raises(RuntimeError, match="went away"):
        scans.file_scans(petition, pages(petition, sheets))
    assert len(calls) == 3  # two pages were stored before it failed
    assert not Scan.objects.exists()
    assert media() == []
    assert list(Sheet.objects.order_by("pk").values()) == before


def test_nothing_is_written_inside_a_transaction_that_could_roll_back(petition, sheets, media):
    """Inside someone else's transaction the files would outlive a rollback
    of the rows naming them: storing there is refused before any is written."""
    uploads = pages(petition, sheets, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        scans.file_scans(petition, uploads)
    assert media() == [] and not Scan.objects.exists()
    # Outside one, the same upload is stored, file and row together.
    for upload in uploads:
        upload.seek(0)
    result = scans.file_scans(petition, uploads)
    assert len(result.filed) == 1 and len(media()) == 1
