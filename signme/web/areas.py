"""Where signers live: the area breakdown as CSV for organisers, a bar chart
of the top areas, and the petition in the JSON shape of the UK Parliament
petitions site, which maps and trackers already read."""

import csv
from datetime import UTC

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from signme.geography.models import AREA_TYPES, AreaType
from signme.lib.http import cache_for_readers, private_no_store
from signme.petitions.access import public_petition_for, staff_petition
from signme.petitions.areas import SMALLEST_PUBLIC, Breakdown, breakdown, public_breakdown
from signme.petitions.counting import get_counts
from signme.petitions.models import Petition

TOP = 10


def geography_summary(petition: Petition) -> dict:
    """The organiser page's section: every area with its exact count."""
    return {"breakdown": breakdown(petition), "area_types": AreaType.choices}


@login_required
@require_safe
def areas_csv(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="petition-{number}-areas.csv"'
    writer = csv.writer(response)
    writer.writerow(["type", "gss_code", "name", "signatures"])
    found = breakdown(petition)
    for a in found.areas:
        writer.writerow([a.type, a.code, a.name, a.count])
    writer.writerow(["not_placed", "", "No postcode, or not in the postcode directory",
                     found.not_placed])  # fmt: skip
    return private_no_store(response)


def chart_svg(found: Breakdown, area_type: str, title: str) -> str:
    """A horizontal bar chart of the top areas, drawn on the server: readable
    without JavaScript, and with its figures as text for screen readers."""
    areas = [a for a in found.of_type(area_type) if a.count >= SMALLEST_PUBLIC][:TOP]
    widest = max((a.count for a in areas), default=1)
    bar_height, gap, label_width, bar_width = 22, 8, 220, 300
    bars = [
        {
            "y": 40 + i * (bar_height + gap),
            "width": max(1, round(a.count * bar_width / widest)),
            "text_y": 40 + i * (bar_height + gap) + bar_height * 0.7,
            "area": a,
        }
        for i, a in enumerate(areas)
    ]
    context = {
        "title": title,
        "bars": bars,
        "bar_height": bar_height,
        "label_width": label_width,
        "count_x": label_width + 8,
        "height": 50 + len(bars) * (bar_height + gap),
        "width": label_width + bar_width + 90,
        "smallest": SMALLEST_PUBLIC,
    }
    return render_to_string("web/areas_chart.svg", context)


@require_safe
def area_chart(request, number: int):
    petition = public_petition_for(request, number)
    area_type = request.GET.get("type", AreaType.CONSTITUENCY.value)
    if area_type not in AREA_TYPES:
        raise Http404("No such type of area.")
    label = AreaType(area_type).label
    title = gettext("Petition %(number)s: signatures by %(type)s, top %(top)s") % {
        "number": petition.number,
        "type": label.lower(),
        "top": TOP,
    }
    svg = chart_svg(public_breakdown(petition), area_type, title)
    return cache_for_readers(request, HttpResponse(svg, content_type="image/svg+xml"), max_age=60)


def _iso(value):
    """As the Parliament site writes times: UTC, milliseconds, a Z."""
    if not value:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _date(value):
    return timezone.localdate(value).isoformat() if value else None


_STATES = {"draft": "pending", "open": "open", "closed": "closed"}


@require_safe
def e_petitions_json(request, number: int):
    """The petition as petition.parliament.uk serves /petitions/<id>.json.
    Areas under 10 signers are left out of the lists, not shown exactly."""
    petition = public_petition_for(request, number)
    counts = get_counts(petition.pk)
    found = public_breakdown(petition)
    url = f"{settings.BASE_URL}/petitions/{petition.number}/e-petitions.json"
    public = [a for a in found.areas if a.count >= SMALLEST_PUBLIC]
    opened = petition.opens_at or (petition.created_at if petition.status != "draft" else None)
    closed = petition.closes_at if petition.status == Petition.Status.CLOSED else None
    attributes = {
        "action": petition.title,
        "background": petition.statement,
        "additional_details": petition.body,
        "committee_note": None,
        "state": _STATES.get(petition.status, petition.status),
        "signature_count": counts.total,
        # Only while open, as there.
        **(
            {"closing_date": _date(petition.closes_at)}
            if petition.status == Petition.Status.OPEN
            else {}
        ),
        "created_at": _iso(petition.created_at),
        "updated_at": _iso(petition.updated_at),
        "rejected_at": None,
        "opened_at": _iso(opened),
        "closed_at": _iso(closed),
        "moderation_threshold_reached_at": None,
        "response_threshold_reached_at": None,
        "government_response_at": None,
        "debate_threshold_reached_at": None,
        "debate_scheduled_on": None,
        "scheduled_debate_date": None,
        "debate_outcome_at": None,
        "creator_name": None,
        "rejection": None,
        "government_response": None,
        "debate": None,
        "departments": [],
        "topics": [],
        "signatures_by_country": [
            {"name": a.name, "code": a.code, "signature_count": a.count}
            for a in public
            if a.type == AreaType.COUNTRY
        ],
        "signatures_by_constituency": [
            {"name": a.name, "ons_code": a.code, "mp": None, "signature_count": a.count}
            for a in public
            if a.type == AreaType.CONSTITUENCY
        ],
        "signatures_by_region": [
            {"name": a.name, "ons_code": a.code, "signature_count": a.count}
            for a in public
            if a.type == AreaType.REGION
        ],
        "other_parliamentary_business": [],
    }
    data = {
        "links": {"self": url},
        "data": {
            "type": "petition",
            "id": petition.number,
            "links": {"self": url},
            "attributes": attributes,
        },
    }
    return cache_for_readers(request, JsonResponse(data), max_age=60)
