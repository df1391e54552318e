"""A real Redis server on loopback, and real OS processes that count against
the same store as the test."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.conftest import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.05)
    yield url
    client.close()
    server.terminate()
    server.wait(timeout=10)


def child_database_url() -> str:
    """DATABASE_URL of the database this test runs on, for a child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_processes(code: str, count: int, **env) -> list[subprocess.Popen]:
    """`count` processes running `code` in SignMe's Django shell, configured
    like app servers but on the test's database."""
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "signme.settings",
        "DATABASE_URL": child_database_url(),
        "REDIS_URL": "",
        **env,
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "django", "shell", "--no-imports", "-c", code],
            cwd=REPO,
            env=environ,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
