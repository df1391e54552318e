from django.conf import settings

from signme.lib.jobs import periodic

from .counting import refresh_open_petitions


@periodic(every=settings.COUNT_REFRESH)
def refresh_counts():
    refresh_open_petitions()
