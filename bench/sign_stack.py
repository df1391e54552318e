"""What Django's middleware costs a signature, measured against the rest.

Signs N new signatures at a time through Django's WSGI handler in this one
process (no network, no server, so only the app's own work shows), in rounds
that alternate the handler the app serves (all of settings.MIDDLEWARE) with
one built with only the middleware a signing POST needs (security headers, the
language, the Content-Security-Policy), each going first in turn. Each signature is the form as the
page sends it, a new address, from a new client address, answered 303; the
rate limit is raised so that none is refused. Prints wall and CPU time per
signature for each, and their ratio.

    .venv/bin/python bench/sign_stack.py [--n 2000] [--rounds 3]

It reads DATABASE_URL and SIGNME_HOME as the app does (`make bench` gives it
a fresh database), migrates it and loads the demo.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")
os.environ["SIGNME_SIGN_MIN_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from signme.petitions.links import form_token  # noqa: E402
from signme.web.demo import load_demo  # noqa: E402

SIGNING_NEEDS = [
    "django.middleware.security.SecurityMiddleware",
    "signme.lib.language.LanguageMiddleware",
    "signme.lib.csp.StaticCSPMiddleware",
]


def post(app, token: str, n: int) -> str:
    body = (
        f"form_token={token}&name=Bench+Signer+{n}&email=stack.{n}%40example.org"
        "&address=1+Market+Place%2C+Holt&postcode=nr256bw&eligible=yes&consent_email=on"
    ).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/petitions/1500/sign",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "HTTP_SEC_FETCH_SITE": "same-origin",
        "REMOTE_ADDR": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
    }
    status = []
    b"".join(app(environ, lambda s, headers: status.append(s)))
    return status[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="signatures a round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    load_demo("bench@example.org", "bench-pass-1")
    settings.SIGN_RATE_LIMIT = 10**9  # every one a new signer: none refused
    full = WSGIHandler()
    with override_settings(MIDDLEWARE=SIGNING_NEEDS):
        lean = WSGIHandler()
    token = form_token(1500)
    n = 0
    for app in (full, lean):  # warm up: connections, templates, caches
        for _ in range(200):
            n += 1
            assert post(app, token, n).startswith("303")

    times = {"full": [], "lean": []}
    for round_ in range(args.rounds):
        # Which goes first alternates, so that neither always meets the
        # larger table or the warmer caches.
        order = [("full", full), ("lean", lean)]
        for name, app in order if round_ % 2 == 0 else order[::-1]:
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.n):
                n += 1
                status = post(app, token, n)
                if not status.startswith("303"):
                    print(f"signature {n}: {status}, not 303")
                    return 1
            per = 1e3 / args.n
            times[name].append(
                ((time.perf_counter() - wall) * per, (time.process_time() - cpu) * per)
            )

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{args.n:,} signatures a round, {args.rounds} rounds, {engine}")
    for name, label in (
        ("full", f"all {len(settings.MIDDLEWARE)} middleware"),
        ("lean", f"{len(SIGNING_NEEDS)} middleware"),
    ):
        rounds = ", ".join(f"{w:.3f}/{c:.3f}" for w, c in times[name])
        print(f"  {label}: {rounds} ms wall/CPU a signature")
    cpu = {name: statistics.median(c for _, c in times[name]) for name in times}
    share = 1 - cpu["lean"] / cpu["full"]
    print(f"  median CPU: {cpu['lean']:.3f} against {cpu['full']:.3f} ms a signature;")
    print(f"  the other middleware are {share:.0%} of a signature's CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
