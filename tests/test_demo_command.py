"""`signme demo` as a newcomer runs it: sign petition 1500 and confirm from the
demo outbox, then restart and find the data kept; and stopped with Ctrl-C or
SIGTERM, it leaves nothing running."""

import glob
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.conftest import free_port

# The demo promises to be gone this soon after it is told to stop.
STOP_SECONDS = 5


def demo_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNME_", "DATABASE_URL"))}
    env["SIGNME_HOME"] = str(home)
    env["SIGNME_SIGN_MIN_SECONDS"] = "0"  # the test signs faster than any person
    # The test need not wait the usual three seconds for the worker to count,
    # nor the three a process keeps a count before reading it again.
    env["SIGNME_COUNT_REFRESH"] = "1"
    env["SIGNME_COUNT_TTL"] = "0"
    return env


def start_demo(home, port):
    env = demo_env(home)
    # A session of its own, like a shell job: the test can then send the
    # terminal's Ctrl-C to the demo's process group.
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
            time.sleep(0.2)
    stop_demo(proc)
    pytest.fail("demo did not start")


def process_tree(pid: int) -> list[tuple[int, str]]:
    """The processes `pid` started, and theirs, each with its start time so a
    reused PID is not taken for one of them."""
    found = []
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        with open(path) as f:
            for child in map(int, f.read().split()):
                found.append((child, start_time(child)))
                found.extend(process_tree(child))
    return found


def start_time(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except FileNotFoundError:
        return None
    # Fields after the command name, which is in parentheses and may hold spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None  # exited: a zombie runs nothing and holds no port
    return fields[19]


def still_running(tree):
    return [pid for pid, started in tree if started and start_time(pid) == started]


def stop_demo(proc, how=signal.SIGINT):
    """Ctrl-C as a terminal sends it, to the demo's process group; any other
    signal to the demo process alone. Fails unless the demo and everything it
    started are gone within STOP_SECONDS."""
    tree = process_tree(proc.pid)
    if how == signal.SIGINT:
        os.killpg(proc.pid, how)
    else:
        proc.send_signal(how)
    try:
        output = proc.communicate(timeout=STOP_SECONDS)[0]
        left = still_running(tree)
    except subprocess.TimeoutExpired:
        left = [proc.pid, *still_running(tree)]
    if left:
        for pid in left:  # so a failure here leaves nothing behind either
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.communicate()
        pytest.fail(f"still running {STOP_SECONDS} s after {how.name}: {left}")
    return output


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        # SO_REUSEADDR, as a server sets it: only a listening socket is in the way,
        # not the connections this test just closed.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def count(base):
    with urllib.request.urlopen(f"{base}/petitions/1500/count.json") as r:
        return json.load(r)["signature_count"]


def stop_cleanly(proc, how, port) -> str:
    """Stop the demo as `how` does and check it left nothing: no process it
    started, its port free, and a word to the person who stopped it."""
    tree = process_tree(proc.pid)
    # The web server, its worker process and the email worker.
    assert len(tree) >= 3, tree
    output = stop_demo(proc, how)
    assert proc.returncode == 0, output
    assert still_running(tree) == []
    assert port_is_free(port)
    assert "Stopping the demo" in output
    return output


def test_a_newcomer_signs_and_confirms_then_stops_and_restarts_and_the_data_survives(tmp_path):
    """The demo is started twice, as a newcomer does: stopped with Ctrl-C the
    first time and with SIGTERM (as a service manager stops it) the second,
    each time leaving no process behind and its port free."""
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

        # The worker stores it and delivers its email within a second or two;
        # the outbox lists it with a clickable link.
        deadline = time.monotonic() + 20
        while not (
            found := re.search(
                r'href="(/dev/outbox/\d+/)"', opener.open(f"{base}/dev/outbox/").read().decode()
            )
        ):
            assert time.monotonic() < deadline, "no email in the demo outbox"
            time.sleep(0.1)
        message_url = found.group(1)
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
            time.sleep(0.1)
        assert count(base) == 1
    finally:
        output = stop_cleanly(proc, signal.SIGINT, port)
    assert "organiser@example.org" in output  # the staff login is printed
    assert f"http://localhost:{port}/1500" in output

    proc = start_demo(tmp_path, port)
    try:
        assert count(base) == 1
    finally:
        stop_cleanly(proc, signal.SIGTERM, port)


def test_a_port_in_use_is_named_before_anything_is_prepared(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "signme.cli", "demo", "--port", str(port)],
            env=demo_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"port {port} is in use" in result.stderr
    assert f"signme demo --port {port + 1}" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no database, no secret key
