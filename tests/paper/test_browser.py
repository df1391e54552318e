"""Typing up a sheet with the keyboard alone, in a real browser."""

import os

import pytest

from signme.petitions.models import Signature

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
    pytest.mark.django_db(transaction=True),
]


def focused(page, name):
    """Wait until the page that Enter submitted to has put the cursor in `name`.
    (wait_for_function evaluates a string, which the site's CSP forbids.)"""
    from playwright.sync_api import Error

    for _ in range(100):
        try:
            page.wait_for_load_state()
            if (
                page.evaluate("() => document.activeElement && document.activeElement.name")
                == name
            ):
                return
        except Error:  # the page navigated while we looked
            pass
        page.wait_for_timeout(50)
    raise AssertionError(f"{name} never got the focus")


def test_volunteer_types_up_a_sheet_with_tab_and_enter_only(
    page, live_server, volunteer, returned
):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "volunteer@example.org")
    page.fill("#id_password", "vol-pass-1")
    page.keyboard.press("Enter")
    page.wait_for_url("**/organise/**")
    page.goto(f"{live_server.url}/organise/petitions/1500/paper/sheets/{returned.serial}/")

    # The first row is focused and ready: type, Tab, type, Enter.
    assert page.evaluate("document.activeElement.name") == "r1-name"
    page.keyboard.type("Mary Brown")
    page.keyboard.press("Tab")
    page.keyboard.type("4 Church Lane, Holt")
    page.keyboard.press("Tab")
    page.keyboard.type("nr25 6bw")
    page.keyboard.press("Tab")
    page.keyboard.type("mary@example.org")
    page.keyboard.press("Tab")  # phone: left empty
    page.keyboard.press("Tab")  # the "Yes" column: the demo's scheme asks who may sign
    assert page.evaluate("document.activeElement.name") == "r1-eligible"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # email tick
    page.keyboard.press("Space")
    page.keyboard.press("Enter")

    focused(page, "r2-name")
    page.keyboard.type("John Smith")
    page.keyboard.press("Tab")
    page.keyboard.type("1 High Street, Holt")
    page.keyboard.press("Tab")
    page.keyboard.type("NR25 6AA")
    page.keyboard.press("Enter")
    focused(page, "r3-name")

    # Row 3 is crossed out: Shift+Tab back to its marker and type x.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == "r3-mark"
    page.keyboard.type("x")
    page.keyboard.press("Enter")
    focused(page, "r4-name")
    assert page.evaluate("document.activeElement.id") == "id_r4-name"

    rows = list(
        Signature.objects.order_by("sheet_row").values_list("sheet_row", "name", "postcode")
    )
    assert rows == [(1, "Mary Brown", "NR25 6BW"), (2, "John Smith", "NR25 6AA")]
    mary = Signature.objects.get(sheet_row=1)
    assert mary.consents.get(channel="email").given and mary.eligible
    assert returned.marks.get().mark == "struck"
