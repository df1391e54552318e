from datetime import datetime

from django import template

from signme.petitions.access import is_organiser

register = template.Library()


@register.filter
def from_iso(value: str | None):
    """The ISO timestamps of the downloadable data, back as datetimes so the
    page can show them the way people write dates."""
    return datetime.fromisoformat(value) if value else None


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def people_panel(context, petition):
    """What the organiser's petition page shows about signers' data."""
    from signme.mailing.models import Campaign

    from ..retention import closed_on, deletion_date, live_personal_data

    request = context.get("request")
    return {
        "organiser": bool(request and is_organiser(request.user, petition)),
        "closed_on": closed_on(petition),
        "deletes_on": deletion_date(petition),
        "live": live_personal_data(petition).count(),
        "campaigns": Campaign.objects.filter(petition=petition)[:5],
    }
