"""`signme demo` as a newcomer runs it: sign petition 1500 and confirm from the
demo outbox, then restart and find the data kept."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.conftest import free_port


def start_demo(home, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNME_", "DATABASE_URL"))}
    env["SIGNME_HOME"] = str(home)
    proc = subprocess.Popen(
        [sys.executable, "-m", "signme.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/petitions/1500/count.json", timeout=2)
            return proc
        except OSError:
            if proc.poll() is not None:
                pytest.fail("demo exited early:\n" + proc.stdout.read())
            time.sleep(0.3)
    stop_demo(proc)
    pytest.fail("demo did not start")


def stop_demo(proc):
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.communicate()[0]


def count(base):
    with urllib.request.urlopen(f"{base}/petitions/1500/count.json") as r:
        import json

        return json.load(r)["signature_count"]


def test_a_newcomer_signs_and_confirms_from_the_demo_outbox_and_data_survives(tmp_path):
    port = free_port()
    base = f"http://localhost:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    proc = start_demo(tmp_path, port)
    try:
        page = opener.open(f"{base}/1500").read().decode()
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        form = {
            "form_token": token,
            "name": "Dee Mo",
            "email": "dee@example.org",
            "address": "1 Demo Road, Norwich",
            "postcode": "NR1 1AA",
            "eligible": "yes",
        }
        request = urllib.request.Request(
            f"{base}/petitions/1500/sign",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Origin": base},
        )
        assert "Check your email" in opener.open(request).read().decode()

        # The worker delivers it; the outbox lists it with a clickable link.
        outbox = opener.open(f"{base}/dev/outbox/").read().decode()
        message_url = re.search(r'href="(/dev/outbox/\d+/)"', outbox).group(1)
        message = opener.open(base + message_url).read().decode()
        confirm = re.search(r'<a href="(http://[^"]+/confirm/[^"]+)"', message).group(1)
        confirm_page = opener.open(confirm).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm_page).group(1)
        request = urllib.request.Request(
            confirm,
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode(),
            headers={"Referer": confirm, "Origin": base},
        )
        assert "your signature counts" in opener.open(request).read().decode()

        deadline = time.monotonic() + 20
        while count(base) != 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert count(base) == 1
    finally:
        output = stop_demo(proc)
    assert "organiser@example.org" in output  # the staff login is printed
    assert f"http://localhost:{port}/1500" in output

    proc = start_demo(tmp_path, port)
    try:
        assert count(base) == 1
    finally:
        stop_demo(proc)
