from datetime import datetime

from django import template

register = template.Library()


@register.filter
def from_iso(value: str | None):
    """The ISO timestamps of the downloadable data, back as datetimes so the
    page can show them the way people write dates."""
    return datetime.fromisoformat(value) if value else None


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
