"""The bare-Django baseline for the signing benchmark: one view that does one
INSERT per POST and answers 303, nothing else (no middleware, no form, no
template). bench/http_bench.py --baseline serves it with granian exactly as
`signme serve` serves SignMe, on the same database, and quotes signing as a
ratio to it: what this machine allows Django at all.

    DATABASE_URL=postgres://… python -m granian --interface wsgi bench.baseline:application"""

import os

import dj_database_url
import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponseRedirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

URL = os.environ.get("DATABASE_URL") or "sqlite:///" + os.environ.get("BASELINE_SQLITE", "")
settings.configure(
    ROOT_URLCONF=__name__,
    ALLOWED_HOSTS=["*"],
    DATABASES={"default": dj_database_url.parse(URL, conn_max_age=600)},
)
CREATE = "CREATE TABLE IF NOT EXISTS baseline_row (id {}, name text, email text, at text)"


@csrf_exempt
def sign(request, number: int):
    with connection.cursor() as cursor:  # autocommit: committed before the answer
        cursor.execute(
            "INSERT INTO baseline_row (name, email, at) VALUES (%s, %s, CURRENT_TIMESTAMP)",
            [request.POST.get("name", ""), request.POST.get("email", "")],
        )
    return HttpResponseRedirect(f"/petitions/{number}/signed/", status=303)


def create_table():
    key = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(CREATE.format(key))


urlpatterns = [path("petitions/<int:number>/sign", sign)]
django.setup()
application = get_wsgi_application()
