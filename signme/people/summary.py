"""The signers' data section of the organiser's petition page."""

from .retention import closed_on, deletion_date, live_personal_data


def data_summary(petition) -> dict:
    return {
        "closed_on": closed_on(petition),
        "deletes_on": deletion_date(petition),
        "live": live_personal_data(petition).count(),
    }
