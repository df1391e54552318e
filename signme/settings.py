"""SignMe settings.

Every setting an operator may change is read from the environment here, and
documented in docs/configuration.md. Unset always means a safe, working
single-machine default.
"""

import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


SIGNME_HOME = Path(env("SIGNME_HOME", "var")).resolve()
SIGNME_HOME.mkdir(parents=True, exist_ok=True)

# Demo mode: the /dev/outbox/ listing. Never in production. The demo shows
# SignMe's own error pages, as a visitor would see them; SIGNME_DEBUG=1 turns
# on Django's debug pages in the demo, for development.
DEMO = env_bool("SIGNME_DEMO")
DEBUG = DEMO and env_bool("SIGNME_DEBUG", False)


def _secret_key() -> str:
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    # One generated key per SIGNME_HOME, so tokens in emails survive restarts.
    # Written whole to a file of its own, then linked into place: processes
    # starting together (web workers, test workers) never read half a key, and
    # the first link wins.
    path = SIGNME_HOME / "secret_key"
    if not path.exists():
        fd, draft = tempfile.mkstemp(dir=SIGNME_HOME, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(50))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another process was first: its key is the key
        finally:
            os.unlink(draft)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

BASE_URL = env("SIGNME_BASE_URL", "http://localhost:8000").rstrip("/")
_base = urlsplit(BASE_URL)
ALLOWED_HOSTS = [h.strip() for h in env("SIGNME_ALLOWED_HOSTS").split(",") if h.strip()] or [
    _base.hostname or "localhost",
    "localhost",
    "127.0.0.1",
    "[::1]",
]
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]
# How many reverse proxies in front of the app append to X-Forwarded-For. The
# rate limit trusts exactly that many hops and no more.
TRUSTED_PROXY_COUNT = env_int("SIGNME_TRUSTED_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # From the top down; each imports only those below it (tests/test_layers.py).
    "signme.web",
    "signme.accounts",
    "signme.submissions",
    "signme.paper",
    "signme.updates",
    "signme.people",
    "signme.moderation",
    "signme.petitions",
    "signme.webhooks",
    "signme.geography",
    "signme.mailing",
    "signme.audit",
    "signme.limits",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before anything that reads the language (CommonMiddleware
    # and the views): ?lang= in the address, then Accept-Language, then English.
    "signme.lib.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "signme.accounts.middleware.SecondFactorMiddleware",
    "signme.accounts.middleware.RememberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "signme.lib.csp.StaticCSPMiddleware",
]

ROOT_URLCONF = "signme.urls"
WSGI_APPLICATION = "signme.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "signme.lib.context.site",
            ],
        },
    }
]

_sqlite_path = SIGNME_HOME / "signme.sqlite3"
POSTGRESQL_ENGINE = "signme.lib.postgresql"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{_sqlite_path}", conn_max_age=600
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent signers queue on busy_timeout instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a real file too: WAL and the busy timeout behave as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(SIGNME_HOME / "test.sqlite3")}
else:
    # Django's backend, with a health check that asks the server only when
    # the kept connection has heard from it (signme/lib/postgresql/base.py).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Each checkout gets its own test database, so two test runs on one server
    # never drop each other's.
    DATABASES["default"]["TEST"] = {
        "NAME": "test_signme_" + hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]
    }

# Behind a pooler that hands a server connection to another client after
# each transaction (PgBouncer's pool_mode = transaction): nothing may stay
# on a connection between transactions. Django's server-side cursors
# (QuerySet.iterator()) would, so they are turned off; prepared statements
# would too, and Django leaves them off with psycopg 3 (prepare_threshold
# None), as SignMe does. Session settings are made per transaction
# (SET LOCAL, set_config(..., true)). See docs/deploy.md.
DATABASE_TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING")
if DATABASE_TRANSACTION_POOLING and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None

# A PostgreSQL streaming replica for reads that may lag a moment: only the
# views marked with signme.lib.replicas.reads_from_replica (the public JSON)
# read from it, and nothing ever writes to it. Unset: one database, as ever.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=600)
    DATABASES["replica"]["ENGINE"] = POSTGRESQL_ENGINE
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get(
        "DISABLE_SERVER_SIDE_CURSORS", False
    )
    # Tests read the replica from the primary's own test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["signme.lib.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "signme",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/organise/"
LOGOUT_REDIRECT_URL = "/"
# Superusers can do anything, so outside the demo they must sign in with a
# second factor (an authenticator app) and are sent to set one up first.
REQUIRE_2FA_FOR_SUPERUSERS = env_bool("SIGNME_REQUIRE_2FA_FOR_SUPERUSERS", not DEMO)
OTP_TOTP_ISSUER = "SignMe"
# Wrong codes are throttled with wrong passwords, per account and per address,
# in the shared counters (signme.accounts.throttle); django-otp's own per-device
# back-off would only add a second, silent lock.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
# English and Welsh: councils and the Senedd in Wales must offer both. British
# English keeps its date formats; a browser asking for any English gets it.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("SIGNME_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = SIGNME_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env("SIGNME_MEDIA_ROOT", str(SIGNME_HOME / "media")))

# Email. EMAIL_URL is smtp://user:pass@host:port (smtps:// for implicit TLS,
# ?tls=1 for STARTTLS). Unset: messages are written as .eml files under
# SIGNME_HOME/mail, so nothing is lost and nothing leaves the machine.
EMAIL_URL = env("EMAIL_URL")
# Which function renders each kind of queued email (see mailing/kinds.py).
EMAIL_RENDERERS = "signme.web.emails.RENDERERS"
DEFAULT_FROM_EMAIL = env("SIGNME_FROM_EMAIL", "SignMe <petitions@localhost>")
EMAIL_TIMEOUT = 10
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "signme.mailing.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = _mail.username or ""
    EMAIL_HOST_PASSWORD = _mail.password or ""
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = "tls=1" in (_mail.query or "")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = SIGNME_HOME / "mail"

# Signing: requests per IP per minute. A surge comes from many addresses, so
# this only slows one machine hammering the form.
SIGN_RATE_LIMIT = env_int("SIGNME_SIGN_RATE_LIMIT", 30)
# A signing form sent sooner than this after it was made was not filled in
# by a person: the signature is held for review. 0 turns the check off.
SIGN_MIN_SECONDS = float(env("SIGNME_SIGN_MIN_SECONDS", "1") or 0)
# Counts: the worker aggregates every COUNT_REFRESH seconds; each process
# serves a count from its cache for COUNT_TTL seconds; a request aggregates
# inline only when the stored count is older than COUNT_STALE_AFTER.
COUNT_REFRESH = env_int("SIGNME_COUNT_REFRESH", 3)
# Seconds a webhook receiver has to answer before the attempt counts as failed.
WEBHOOK_TIMEOUT = env_int("SIGNME_WEBHOOK_TIMEOUT", 10)
# Webhooks to this machine or a private network: refused except in the demo
# (where a receiver on the same machine is how one tries them out).
WEBHOOKS_ALLOW_PRIVATE = env_bool("SIGNME_WEBHOOKS_ALLOW_PRIVATE", DEMO)
COUNT_TTL = env_int("SIGNME_COUNT_TTL", 3)
COUNT_STALE_AFTER = env_int("SIGNME_COUNT_STALE_AFTER", 30)
# The petition page's chart of signatures by day: a grouped query over every
# signature, so the worker makes it once the count has moved, at once if that
# is cheap, otherwise after DAILY_REFRESH seconds (counting.daily_due); a page
# makes it only when none is stored or the stored one is older than
# DAILY_STALE_AFTER (no worker running), and keeps it for its process.
DAILY_REFRESH = env_int("SIGNME_DAILY_REFRESH", 60)
DAILY_STALE_AFTER = env_int("SIGNME_DAILY_STALE_AFTER", 900)
# Seconds the rendered petition page is reused for visitors without a session.
PAGE_CACHE_TTL = env_int("SIGNME_PAGE_CACHE_TTL", 3)
# Public pages and JSON: how long a proxy or CDN may serve them.
PUBLIC_MAX_AGE = env_int("SIGNME_PUBLIC_MAX_AGE", 10)
PUBLIC_STALE_WHILE_REVALIDATE = 60
CONFIRM_TOKEN_MAX_AGE = 60 * 60 * 24 * 30
# Organisers' updates: emails per second per worker (0: as fast as the mail
# server takes them). Confirmations and rights links are never held back.
EMAIL_RATE = float(env("SIGNME_EMAIL_RATE", "50") or 0)
# SMTP connections each worker keeps open: a batch's confirmations go out
# over all of them at once, one commit a round for all (mailing/smtp.py).
EMAIL_CONNECTIONS = max(env_int("SIGNME_EMAIL_CONNECTIONS", 8), 1)
# Seconds before a worker's claim on an email lapses and another may send it.
EMAIL_CLAIM_TIMEOUT = env_int("SIGNME_EMAIL_CLAIM_TIMEOUT", 120)
# Key for the suppression list's hashes. Defaults to SECRET_KEY; set it before
# ever rotating SECRET_KEY, or objectors would no longer be recognised.
SUPPRESSION_KEY = env("SIGNME_SUPPRESSION_KEY")
# How long the link emailed from /your-data/ works.
RIGHTS_TOKEN_MAX_AGE = env_int("SIGNME_RIGHTS_LINK_HOURS", 72) * 3600
# Unsubscribe links must keep working long after the email was sent.
UNSUBSCRIBE_TOKEN_MAX_AGE = 60 * 60 * 24 * 365 * 5
# An invitation to an organisation's team works once, for a week.
INVITATION_MAX_AGE = 60 * 60 * 24 * 7
# Invitations one organiser may send an hour: a stolen session cannot turn
# SignMe into a mail cannon.
INVITATIONS_PER_HOUR = 20

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if _base.scheme == "https":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SIGNME_HSTS_SECONDS", 60 * 60 * 24 * 365)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Logs carry no personal data: request logging names paths only, and paths
# never hold names or email addresses. Tokens from emailed links are blanked
# out of every line (a refused link is still logged with its path).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"hide_tokens": {"()": "signme.lib.logs.HideTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["hide_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env("SIGNME_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
