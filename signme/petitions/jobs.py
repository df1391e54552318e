from signme.lib.jobs import periodic

from .counting import refresh_open_petitions


@periodic(every=5)
def refresh_counts():
    refresh_open_petitions()
