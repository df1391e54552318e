"""Every page SignMe serves, on a 320 px wide phone: nothing scrolls sideways,
and no WCAG 2.2 A or AA rule that can be checked by machine is broken.

The pages are every URL of the URLconf, filled with organisation A's objects
(tests/permission_world.py), that answers a GET with an HTML page (200) to
A's organiser or to the signer: not signed in, like any outsider, but holding
the links emailed to them (confirm, unsubscribe, their data, an invitation),
so that the public pages behind those links are walked too. Each is
opened in Chromium at 320 x 640 and checked with axe-core (vendored in
tests/browser/vendor/, so no network is needed) for the WCAG 2.0, 2.1 and
2.2 A and AA rules. A's organiser then walks the staff pages again in Welsh,
whose words are often longer: the page must still not scroll sideways (axe's
rules look at the page's structure, which is the same in either language).

The Django admin's own pages are left out: they are for superusers and the
admin's own look, not pages of ours to restyle. SignMe's own views under
/admin/ (its sign-in page) are walked like any other.
"""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import resolve

from tests.permission_world import build_world, walk_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTH = 320
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# (actor, language, run axe): every page once with axe, and A's pages again in Welsh.
WALKS = [("org_a", "en-gb", True), ("signer", "en-gb", True), ("org_a", "cy", False)]

# Problems known and not yet fixed, as (actor, URL name, rule id); "overflow"
# for sideways scrolling. Each with its reason. Anything not listed fails.
KNOWN: set[tuple[str, str, str]] = set()

RUN_AXE = """async (tags) => {
  const only = {type: "tag", values: tags};
  const result = await axe.run(document, {runOnly: only, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


def _admins_own(url: str) -> bool:
    return "admin" in resolve(url).namespaces


def _session_cookie(world, actor: str, base_url: str) -> list[dict]:
    user = world.users.get(actor)
    if user is None:
        return []
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return [{"name": name, "value": client.cookies[name].value, "url": base_url}]


def _pages(world, actor: str) -> list[tuple[str, str]]:
    """(URL name, URL) of each page that answers `actor` with HTML, asked
    first without the browser, which cannot open an empty error page or a
    download. Asked once per actor: the answer is the same in either language,
    and the browser checks it is still 200."""
    pages = []
    for key, route in walk_urls():
        url = world.url(key, route, actor)
        if _admins_own(url):
            continue
        answer = world.client(actor).get(url)
        if answer.status_code == 200 and answer["Content-Type"].startswith("text/html"):
            pages.append((key, url))
    return pages


def _check_pages(
    browser, base_url: str, world, actor: str, pages, language: str, axe: bool
) -> tuple[list[str], list[str]]:
    """(pages checked, problems) for one actor in one language, in one browser context."""
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 640}, extra_http_headers={"Accept-Language": language}
    )
    # In every page before its own scripts: faster than a script tag per page,
    # and out of reach of the page's Content-Security-Policy.
    if axe:
        context.add_init_script(path=str(AXE))
    context.add_cookies(_session_cookie(world, actor, base_url))
    page = context.new_page()
    checked, problems = [], []
    try:
        for key, url in pages:
            response = page.goto(base_url + url)
            assert response.status == 200, f"{actor} {url}: {response.status} in the browser"
            checked.append(url)
            lang = page.evaluate("document.documentElement.lang").lower()
            if language == "cy" and lang != "cy":
                problems.append(f"{actor} {url}: asked for Welsh, shown lang={lang!r}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH and (actor, key, "overflow") not in KNOWN:
                problems.append(f"{actor} {language} {url}: overflow, {width} px wide")
            for violation in page.evaluate(RUN_AXE, TAGS) if axe else ():
                if (actor, key, violation["id"]) in KNOWN:
                    continue
                for target in violation["targets"]:
                    problems.append(f"{actor} {url}: {violation['id']} at {target}")
    finally:
        context.close()
    return checked, problems


def test_every_page_fits_320_px_and_passes_axe(browser, live_server, settings, tmp_path):
    settings.BASE_URL = live_server.url
    world = build_world(settings, tmp_path)
    problems, pages = [], {}
    for actor, language, axe in WALKS:
        if actor not in pages:
            pages[actor] = _pages(world, actor)
        checked, found = _check_pages(
            browser, live_server.url, world, actor, pages[actor], language, axe
        )
        assert len(checked) > 5, f"{actor} {language} reached only {checked}"
        problems += found
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
