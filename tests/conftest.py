"""Named actors and real services for the tests.

An organiser and a volunteer of the demo organisation, an outsider from
another organisation who must get 404, and a signer's details. Email goes to a
real SMTP server on loopback (aiosmtpd)."""

import fcntl
import os
import shutil
import socket
import threading
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone, translation
from pytest_django.plugin import blocking_manager_key

from signme.lib.emails import canonical_email
from signme.mailing.models import OutboundEmail
from signme.petitions.cache import forget_all
from signme.petitions.models import Membership, Organisation, Petition, Signature, Target
from signme.petitions.signing import confirm as confirm_signature
from signme.petitions.signing import take_in
from signme.petitions.validity import settle
from signme.updates.campaigns import forget_rendered
from signme.web.demo import load_demo

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


# Tests that share something costly to start keep to few test processes under
# `--dist loadgroup` (the Makefile's): each process that runs a browser test
# launches Chromium and a live server. The walk of every page with axe is as
# long as all the other browser tests together, so it has a process of its
# own: one more Chromium, and the two halves run side by side.
SHARED_COSTS = {"browser": "browser"}
OWN_GROUP = {"test_every_page_at_320": "browser-walk"}


# The order tests are handed out in. The long ones, and those that wait on
# another process (the demo, Chromium, the processes sharing a limit), begin
# first: begun last, one core would idle while they end. Then the tests that
# need no database, those rolled back after each test, and those that commit
# (transactional_db), which empty the tables when they end; the demo is
# stored again after them (pytest_runtest_teardown below), so that the tests
# after them find it as every test does.
STARTED_FIRST = (
    "test_demo_command",
    "test_every_page_at_320",
    "test_processes",
    "test_permissions",
)


def _kind(item) -> int:
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & names or marker and marker.kwargs.get("transaction"):
        return 2
    return 1 if marker or "db" in names else 0


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    # Before the other plugins: pytest-xdist reads the groups.
    for item in items:
        for fixture, group in SHARED_COSTS.items():
            if fixture in getattr(item, "fixturenames", ()):
                group = OWN_GROUP.get(item.module.__name__.rpartition(".")[2], group)
                item.add_marker(pytest.mark.xdist_group(group))
    _only_database_tests_on_postgresql(config, items)
    yield
    _check_grouped(config, items)
    # After them: pytest-django has its own order.
    first = {name: rank for rank, name in enumerate(STARTED_FIRST)}
    module = lambda item: item.module.__name__.rpartition(".")[2]  # noqa: E731
    items.sort(key=lambda item: (first.get(module(item), len(first)), _kind(item)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A test that committed has emptied the tables as it ended: store the
    demo again, once, unless the next test commits too (those store it
    themselves, through the `petition` fixture) or none follows (the test
    database is gone)."""
    result = yield
    if _kind(item) == 2 and nextitem is not None and _kind(nextitem) != 2:
        with item.config.stash[blocking_manager_key].unblock():
            if not Petition.objects.filter(number=1500).exists():
                load_demo(**ORGANISER)
    return result


def _check_grouped(config, items):
    """pytest-xdist groups a test by adding its group to the test's id; a
    pytest that keeps the id elsewhere makes `--dist loadgroup` spread the
    browser tests over every process without a word. Stop rather than run
    slower unnoticed."""
    if not getattr(config.option, "loadgroup", False):  # set by pytest-xdist
        return
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            raise pytest.UsageError(
                f"pytest-xdist could not group {item.nodeid}: pytest {pytest.__version__} "
                "is newer than it supports (see the pytest pin in pyproject.toml)"
            )


def _only_database_tests_on_postgresql(config, items):
    """On PostgreSQL, run only the tests whose result may depend on the
    database. The others give the same result on either, and the SQLite run
    has run them already: those that use no database (the layers, PDFs and
    images, the demo command, which always runs on SQLite of its own), and
    those that drive Chromium, which check what a browser makes of a page
    (its layout at 320 px, axe's rules, the keyboard, the scripts): every
    page they open is also requested on PostgreSQL by the permission matrix
    and the page tests, through the test client."""
    if connection.vendor != "postgresql":
        return
    kept = [
        item
        for item in items
        if (
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("django_db")
        )
        and "browser" not in getattr(item, "fixturenames", ())
    ]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True, scope="session")
def _fast_test_settings():
    """Two settings that cost the tests time and test nothing; settings.py keeps
    the production values."""
    with override_settings(
        # Production-strength PBKDF2 spent most of a fixture's time hashing the
        # actors' passwords. Tests check who may do what, not the hash.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The test client builds the middleware anew for every client, and
        # WhiteNoise then indexed every static file again, a tenth of the suite's
        # own time. Looking a file up when it is asked for serves the same.
        WHITENOISE_AUTOREFRESH=True,
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    forget_all()
    forget_rendered()
    yield
    cache.clear()
    forget_all()
    forget_rendered()


@pytest.fixture(autouse=True)
def _language_undone_after_each_test():
    """A request in Welsh activates Welsh in the test's thread, and the test
    client never undoes it: the next test in the same process would then run
    in Welsh (a migration check sees translated labels as changed). Whatever
    a test activates is undone when it ends."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture(autouse=True)
def _second_factor_optional(settings):
    # On outside the demo; the tests that are about it turn it on.
    settings.REQUIRE_2FA_FOR_SUPERUSERS = False


ORGANISER = {"username": "organiser@example.org", "password": "organiser-pass-1"}


def _copy_database(source: str, target: str) -> None:
    """A new database `target` holding what `source` holds; nobody may be
    connected to `source`."""
    if connection.vendor == "sqlite":
        for ending in ("-wal", "-shm", ""):
            Path(target + ending).unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return
    qn = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {qn(target)}")
        cursor.execute(f"CREATE DATABASE {qn(target)} TEMPLATE {qn(source)}")


@contextmanager
def _template_lock(config):
    """Held by one test process at a time: the first migrates a database and
    keeps a copy of it (the template) for the others of its run."""
    Path(settings.SIGNME_HOME).mkdir(parents=True, exist_ok=True)
    with open(Path(settings.SIGNME_HOME) / "test-template.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        run = config.workerinput["testrunuid"]
        yield lock.read() == run
        lock.seek(0)
        lock.truncate()
        lock.write(run)


class _NoMigrations:
    """MIGRATION_MODULES saying that no app has migrations: `migrate` then
    makes each app's tables from its models."""

    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None


@pytest.fixture(scope="session")
def django_db_setup(
    request, _fast_test_settings, django_test_environment, django_db_blocker,
    django_db_modify_db_settings,
):  # fmt: skip
    """The test database, with the demo petition stored once for the run.

    On PostgreSQL the tables are made by the migrations, as in production. On
    SQLite they are made from the models, as Django's syncdb does: applying
    some fifty migrations cost each run five seconds of CPU while every test
    process waited. The migrations still run on SQLite in the demo-command
    test (a newcomer's first `signme demo`), and a test fails if the models
    and the migrations ever disagree (test_migrations.py).

    With several test processes (pytest-xdist), the first to get here makes
    the tables and copies the result as a template; each of the others copies
    the template instead (seconds of CPU each).

    Each test runs in a transaction that is rolled back, so every test starts
    from the demo and nothing else; storing it once instead of in each test
    saved a fifth of the suite's time. A test that needs committed data
    (transactional_db) empties the tables when it ends; pytest-django runs
    those after all the others, and the `petition` fixture stores the demo
    again for them."""
    verbosity = request.config.option.verbose
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    tables = (
        override_settings(MIGRATION_MODULES=_NoMigrations())
        if connection.vendor == "sqlite"
        else nullcontext()
    )
    with django_db_blocker.unblock(), tables:
        if worker is None:
            db_cfg = setup_databases(verbosity, interactive=False, serialized_aliases=())
        else:
            name = connection.settings_dict["TEST"]["NAME"]
            template = name.removesuffix(worker) + "template"
            with _template_lock(request.config) as template_ready:
                if template_ready:
                    _copy_database(template, name)
                db_cfg = setup_databases(
                    verbosity, interactive=False, keepdb=template_ready, serialized_aliases=()
                )
                if not template_ready:
                    connection.close()
                    _copy_database(connection.settings_dict["NAME"], template)
        load_demo(**ORGANISER)
    yield
    with django_db_blocker.unblock():
        _disconnect_others()
        teardown_databases(db_cfg, verbosity=verbosity)


def _disconnect_others() -> None:
    """On PostgreSQL, end any other connection to the test database before it
    is dropped: a process a test started (app servers, workers) may still be
    closing its own, and DROP DATABASE refuses while one is open."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def petition(db) -> Petition:
    """Petition 1500 of the reference sheet, open, with its organiser."""
    return Petition.objects.filter(number=1500).first() or load_demo(**ORGANISER)


@pytest.fixture
def organiser(petition):
    return get_user_model().objects.get(username="organiser@example.org")


@pytest.fixture
def volunteer(petition):
    user = get_user_model().objects.create_user("volunteer@example.org", password="vol-pass-1")
    membership = Membership.objects.create(
        user=user, organisation=petition.organisation, role=Membership.Role.VOLUNTEER
    )
    membership.petitions.add(petition)
    return user


@pytest.fixture
def outsider(petition):
    """Organiser of another organisation, with a petition of their own."""
    user = get_user_model().objects.create_user("outsider@example.org", password="out-pass-1")
    org = Organisation.objects.create(name="Other Campaign", address="1 Elsewhere, EX1 1AA")
    Membership.objects.create(user=user, organisation=org, role=Membership.Role.ORGANISER)
    target = Target.objects.create(name="Another Council", minimum_signatures=10)
    Petition.objects.create(
        number=77, organisation=org, target=target, title="Other", statement="do other things"
    )
    return user


def signer_data(petition: Petition, **overrides) -> dict:
    """A valid online signature for `petition`, as the form posts it."""
    from signme.lib.tokens import make_token

    data = {
        "form_token": make_token("signform", petition.number),
        "name": "Siân Evans",
        "email": "sian.evans@example.org",
        "address": "12 Market Place, Holt",
        "postcode": "NR25 6BW",
        "eligible": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def sign(client, petition):
    """POST a signature the way a browser on the petition page does; then the
    worker takes it in, as it would within a second (worker=False: not yet)."""

    def _sign(number: int | None = None, worker: bool = True, **overrides):
        p = petition if number is None else Petition.objects.get(number=number)
        response = client.post(
            f"/petitions/{p.number}/sign",
            signer_data(p, **overrides),
            HTTP_SEC_FETCH_SITE="same-origin",
        )
        if worker:
            take_in()
        return response

    return _sign


def settle_verified(signatures) -> None:
    """Mark these signatures confirmed, as the confirmation link would, and
    decide whether they count."""
    signatures.update(status="verified", verified_at=timezone.now())
    settle(signatures)


@pytest.fixture
def signer(sign, petition):
    """A verified signer of petition 1500, who ticked the email box unless told not to."""

    def _signer(email="sian.evans@example.org", consent=True, number=None, **kw):
        if consent:
            kw["consent_email"] = "on"
        response = sign(number, email=email, **kw)
        assert response.status_code == 303, response.content
        signature = Signature.objects.get(
            email_canonical=canonical_email(email),
            petition__number=number or petition.number,
            status="pending",
        )
        confirm_signature(signature)
        OutboundEmail.objects.filter(kind="confirm_signature").delete()
        signature.refresh_from_db()
        return signature

    return _signer


# --- A real SMTP server on loopback -----------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, n: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= n:
                    return list(self.messages)
            time.sleep(0.02)
        with self.lock:
            return list(self.messages)

    def received(self) -> list:
        """What the server has accepted so far. The server records a message
        before it answers 250 and sending is synchronous, so once a send has
        returned, everything it delivered is here: checking that nothing
        more arrived needs no waiting."""
        with self.lock:
            return list(self.messages)


class _Handler:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox
        self.pipelining = True

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd reads commands in order, pipelined or not, but does not say
        # so; offering it lets the outbox pipeline here as it does in production.
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.mailbox.lock:
            self.mailbox.messages.append(msg)
        return "250 OK"


class SMTPServer:
    """aiosmtpd on a fixed loopback port that can be stopped and started, to
    show what happens while the mail server is down."""

    def __init__(self):
        self.mailbox = Mailbox("127.0.0.1", free_port())
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(
            _Handler(self.mailbox), hostname=self.mailbox.host, port=self.mailbox.port
        )
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "signme.mailing.smtp.EmailBackend"
    settings.EMAIL_HOST = server.mailbox.host
    settings.EMAIL_PORT = server.mailbox.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 3
    yield server
    server.stop()


# --- Headless Chromium (Debian's package) driven by Playwright ----------------
# One browser for the whole run: Playwright's sync API allows one instance per
# thread at a time.

CHROMIUM = Path(os.environ.get("SIGNME_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (scripts/system-packages installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.BASE_URL = live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 740})  # a small phone
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    page.console_errors = errors
    yield page
    context.close()
