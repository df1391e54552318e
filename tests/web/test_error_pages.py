"""SignMe's own 404 and 500 pages, in production and in the demo."""

import os
import subprocess
import sys

from django.template.loader import render_to_string


def test_a_mistyped_short_link_gets_signmes_own_not_found_page(client, petition):
    response = client.get("/150")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'href="/"' in html and 'href="/your-data/"' in html


def test_the_server_error_page_renders_with_no_request_at_all():
    # Django renders 500.html without context processors: it must not need them.
    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html


def test_the_demo_shows_the_error_pages_a_visitor_would_see(tmp_path):
    env = {**os.environ, "SIGNME_DEMO": "1", "SIGNME_HOME": str(tmp_path)}
    env.pop("SIGNME_DEBUG", None)
    code = "import signme.settings as s; print(s.DEMO, s.DEBUG)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "False"], out.stderr
