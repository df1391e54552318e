"""The files in deploy/ check out with the tools that will read them, where
this machine has those tools, and agree with what the app does."""

import configparser
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from signme.paper.scans import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX_CONF = (DEPLOY / "nginx/signme.conf").read_text()
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SIGNME = Path(sys.executable).parent / "signme"


def _locations(conf: str) -> dict[str, str]:
    """Each location block's pattern and body (blocks here do not nest)."""
    return dict(re.findall(r"location\s+(?:~\s+)?(\S+)\s*\{(.*?)\n\s*\}", conf, re.S))


def _size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_nginx_accepts_the_configuration(tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed (scripts/system-packages installs it)")
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a throwaway certificate")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", tmp_path / "privkey.pem", "-out", tmp_path / "fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    for folder in ("cache", "logs", "static", "acme", "temp"):
        (tmp_path / folder).mkdir()
    # The operator's paths, moved to loopback and this test's folder.
    conf = (
        NGINX_CONF.replace("/etc/ssl/signme/", f"{tmp_path}/")
        .replace("/var/cache/nginx/signme", f"{tmp_path}/cache")
        .replace("/var/log/nginx/", f"{tmp_path}/logs/")
        .replace("/var/lib/signme/static/", f"{tmp_path}/static/")
        .replace("/var/lib/letsencrypt", f"{tmp_path}/acme")
        .replace("/usr/share/signme/nginx-errors/", f"{DEPLOY}/nginx/errors/")
        .replace("listen 80;", "listen 127.0.0.1:8080;")
        .replace("listen 443 ", "listen 127.0.0.1:8443 ")
    )
    (tmp_path / "signme.conf").write_text(conf)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path}/temp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
        f"events {{}}\nhttp {{\n    {mime}\n{temp}\n    include {tmp_path}/signme.conf;\n}}\n"
    )
    done = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def test_nginx_caches_only_what_the_app_marks_public_and_never_a_session():
    session = f"$cookie_{settings.SESSION_COOKIE_NAME}"
    assert re.search(rf"proxy_cache_bypass\s+[^;]*\{session}\b", NGINX_CONF)
    assert re.search(rf"proxy_no_cache\s+[^;]*\{session}\b", NGINX_CONF)
    # Nothing that would keep a response the app did not mark cacheable:
    # no default lifetime, no ignoring Cache-Control, Set-Cookie or Vary.
    for directive in ("proxy_cache_valid", "proxy_ignore_headers", "proxy_hide_header Vary"):
        assert not re.search(rf"^\s*{directive}", NGINX_CONF, re.M), directive


def test_nginx_takes_the_uploads_the_app_takes():
    locations = _locations(NGINX_CONF)
    scans = locations["^/organise/petitions/[0-9]+/paper/scans/$"]
    photo = locations["^/organise/petitions/[0-9]+/paper/returns/photo$"]
    for block in (scans, photo):
        [limit] = re.findall(r"client_max_body_size\s+(\w+);", block)
        assert _size(limit) > MAX_FILE_BYTES  # one file at the app's limit, and the form
    [default] = re.findall(r"^    client_max_body_size\s+(\w+);", NGINX_CONF, re.M)
    assert _size(default) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "limit_req zone=signme_sign" in locations["^/petitions/[0-9]+/sign$"]
    # The address of a signer is not kept whole in the access log.
    assert re.search(r"log_format signme [^;]*\$signme_client_network", NGINX_CONF)
    assert not re.search(
        r"log_format signme [^;]*\$(remote_addr|request_uri|request)\b", NGINX_CONF
    )


def test_nginx_error_pages_exist_for_what_nginx_refuses():
    pages = re.findall(r"error_page [\d ]+ /_signme_errors/(\S+);", NGINX_CONF)
    assert pages
    for page in pages:
        html = (DEPLOY / "nginx/errors" / page).read_text()
        assert '<html lang="en-GB">' in html and "<h1>" in html


UNITS = ["signme-serve@.service", "signme-worker@.service", "signme-clearsessions.service"]


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    if not SIGNME.exists():
        pytest.skip("the signme command is not installed in this environment")
    names = {
        "signme-serve@.service": "signme-serve@8001.service",
        "signme-worker@.service": "signme-worker@1.service",
    }
    paths = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/opt/signme/venv/bin/signme", str(SIGNME))
        path = tmp_path / names.get(unit.name, unit.name)
        path.write_text(text)
        paths.append(str(path))
    done = subprocess.run([analyze, "verify", "--man=no", *paths], capture_output=True, text=True)
    if done.returncode and "Failed to" in done.stderr and "bus" in done.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    # Unknown keys and sections are only warnings to systemd: none allowed here.
    assert done.stderr.strip() == "", done.stderr


@pytest.mark.parametrize("unit", UNITS)
def test_each_service_is_hardened_configured_and_stops_gracefully(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    text = (DEPLOY / "systemd" / unit).read_text()
    # systemd allows a key twice (EnvironmentFile): keep the first for this check.
    parser.read_string(text)
    service = parser["Service"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "User": "signme",
    }.items():
        assert service.get(key) == value, (unit, key)
    assert "EnvironmentFile=/etc/signme/signme.env" in text
    assert "StateDirectory=signme" in text
    if unit != "signme-clearsessions.service":
        assert service.get("KillSignal") == "SIGTERM" and service.get("TimeoutStopSec")
        assert service.get("Restart") in {"on-failure", "always"}


def test_pgbouncer_pools_transactions_and_the_app_is_told_so():
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",), interpolation=None)
    parser.read(DEPLOY / "pgbouncer/pgbouncer.ini")
    bouncer = parser["pgbouncer"]
    assert bouncer["pool_mode"] == "transaction"
    assert "signme" in parser["databases"]
    env = (DEPLOY / "signme.env.example").read_text()
    assert re.search(rf"^DATABASE_URL=postgres://\S+:{bouncer['listen_port']}/signme$", env, re.M)
    assert re.search(r"^DATABASE_TRANSACTION_POOLING=1$", env, re.M)
    assert re.search(
        r"^DATABASE_TRANSACTION_POOLING=0$", (DEPLOY / "worker.env.example").read_text(), re.M
    )


def _settings_with(monkeypatch, tmp_path, **env) -> dict:
    """settings.py run afresh with this environment."""
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_TRANSACTION_POOLING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIGNME_HOME", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "test-only")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "signme/settings.py"))


PG = "postgres://signme:secret@127.0.0.1:6432/signme"


def test_by_default_one_database_no_router_and_server_side_cursors_as_django_has_them(
    monkeypatch, tmp_path
):
    for env in ({}, {"DATABASE_URL": PG}):
        s = _settings_with(monkeypatch, tmp_path, **env)
        assert set(s["DATABASES"]) == {"default"}
        assert s["DATABASE_ROUTERS"] == []
        assert not s["DATABASES"]["default"].get("DISABLE_SERVER_SIDE_CURSORS")


def test_behind_a_transaction_pooler_nothing_stays_on_a_connection(monkeypatch, tmp_path):
    s = _settings_with(monkeypatch, tmp_path, DATABASE_URL=PG, DATABASE_TRANSACTION_POOLING="1")
    default = s["DATABASES"]["default"]
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert default["OPTIONS"]["prepare_threshold"] is None
    assert default["OPTIONS"].get("server_side_binding") is not True
    # SQLite has no pooler to be behind: the setting changes nothing there.
    s = _settings_with(monkeypatch, tmp_path, DATABASE_TRANSACTION_POOLING="1")
    assert not s["DATABASES"]["default"].get("DISABLE_SERVER_SIDE_CURSORS")


def test_a_replica_url_adds_the_replica_and_its_router(monkeypatch, tmp_path):
    replica = "postgres://reader:secret@10.0.0.12:5432/signme"
    s = _settings_with(monkeypatch, tmp_path, DATABASE_URL=PG, DATABASE_REPLICA_URL=replica)
    assert s["DATABASES"]["replica"]["HOST"] == "10.0.0.12"
    assert s["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert s["DATABASES"]["default"]["HOST"] == "127.0.0.1"
    assert s["DATABASE_ROUTERS"] == ["signme.lib.replicas.ReplicaRouter"]
    # Ignored on SQLite, where there is no streaming replica to read.
    s = _settings_with(monkeypatch, tmp_path, DATABASE_REPLICA_URL=replica)
    assert set(s["DATABASES"]) == {"default"} and s["DATABASE_ROUTERS"] == []
