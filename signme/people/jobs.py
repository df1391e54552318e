from signme.lib.jobs import periodic

from .retention import anonymise_due
from .rights import expire_requests


@periodic(every=3600)
def delete_on_schedule():
    anonymise_due()
    expire_requests()
