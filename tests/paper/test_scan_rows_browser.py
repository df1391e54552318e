"""Typing from the scan on a 375-pixel phone: the row's crop is readable, the
page is no wider than the screen, and every box keeps its label."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from signme.paper import scans
from signme.paper.pdf import render_sheets
from signme.paper.sheets import log_return

from .synthetic import as_scanned, fill_rows, image_file, pdf_to_images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rows_from_the_scan_fit_a_375_pixel_phone(
    browser, live_server, settings, tmp_path, volunteer, sheets, petition
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = fill_rows(pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0],
                     petition.target, [1, 2])  # fmt: skip
    scans.file_scans(petition, [SimpleUploadedFile("s.png", image_file(as_scanned(page)))])
    log_return(petition, sheets[0].serial, 2)
    client = Client()
    client.force_login(volunteer)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/organise/petitions/1500/paper/sheets/{sheets[0].serial}/")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375
        row = tab.locator("#row-1")
        crop = row.locator("img[alt='Row 1 as written on the sheet']")
        crop.scroll_into_view_if_needed()
        assert crop.evaluate("img => img.complete && img.naturalWidth > 0")
        assert crop.bounding_box()["height"] >= 30  # readable, scrolled sideways
        assert row.locator("label", has_text="Full name").first.is_visible()
        tab.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
    finally:
        context.close()
