"""Whether a signature counts: decided here, once, and stored.

Every surface that shows or hands over a count reads Signature.validity
(counting.py for the page, the JSON and the organiser pages; the submission
pack for its list and cover), so they cannot disagree. Call settle() on the
signatures whenever something it reads changes: confirmation, a typed row,
an invalidation or its undoing, a reviewed flag.

The order of the rules is the decision: a duplicate is a duplicate whether
or not it was eligible; an invalidated signature stays out whatever else is
true of it.
"""

from functools import cache, reduce
from operator import or_

from django.db import connections
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Replace
from django.db.models.sql import UpdateQuery

from signme.geography.models import AREA_TYPES
from signme.webhooks.models import Event
from signme.webhooks.queue import queue_event

from .models import Petition, PostcodeFound, Signature

V = Signature.Validity
S = Signature.Status

REASONS = {
    "same_person": "The same person signed already",
    "rule": "Invalidated by an organiser's rule",
    "staff": "Invalidated by staff",
    "answered_no": "Answered no to the eligibility question",
    "outside_area": "Outside the area",
    "honeypot": "A field hidden from people was filled in",
    "too_fast": "Sent within a second of the form being shown",
}

_invalidated = Q(invalidation__isnull=False) | Q(status=S.INVALID)
_flagged = ~Q(flagged="")


def _commas(*parts) -> Concat:
    return Concat(Value(","), *parts, Value(","), output_field=CharField())


# Outside the area: the target names eligible areas (GSS codes), the
# signature's postcode was placed, none of its areas is one of them, and the
# signer did not say they work or study there. Padding both sides with
# commas keeps an empty area code (no county here) from matching anything.
# A postcode the directory does not hold is not evidence of living outside.
_scheme_areas = (
    Petition.objects.filter(pk=OuterRef("petition_id"))
    .exclude(target__eligible_areas="")
    .annotate(eligible=_commas(Replace(F("target__eligible_areas"), Value(" "), Value(""))))
)
_inside = reduce(or_, [Q(eligible__contains=_commas(OuterRef(f"area_{t}"))) for t in AREA_TYPES])
_outside_area = (
    Q(postcode_found__in=[PostcodeFound.FOUND, PostcodeFound.TERMINATED])
    & Q(works_or_studies_in_area=False)
    & Exists(_scheme_areas)
    & ~Exists(_scheme_areas.filter(_inside))
)

_VALIDITY = Case(
    When(status=S.PENDING, then=Value(V.PENDING.value)),
    When(status=S.DUPLICATE, then=Value(V.DUPLICATE.value)),
    When(_invalidated, then=Value(V.INVALIDATED.value)),
    When(eligible=False, then=Value(V.NOT_ELIGIBLE.value)),
    When(_outside_area, then=Value(V.NOT_ELIGIBLE.value)),
    When(_flagged, then=Value(V.REVIEW.value)),
    default=Value(V.COUNTED.value),
)
_REASON = Case(
    When(status=S.PENDING, then=Value("")),
    When(status=S.DUPLICATE, then=Value("same_person")),
    When(invalidation__isnull=False, then=Value("rule")),
    When(status=S.INVALID, then=Value("staff")),
    When(eligible=False, then=Value("answered_no")),
    When(_outside_area, then=Value("outside_area")),
    When(_flagged, then=F("flagged")),
    default=Value(""),
)


@cache
def _set_clause(alias: str) -> tuple[str, tuple]:
    """`UPDATE signature SET validity = CASE …, validity_reason = CASE …`,
    compiled once per database. Building it from the Q objects above took ten
    times as long as running it, and settle() runs at every confirmation."""
    query = UpdateQuery(Signature)
    query.add_update_values({"validity": _VALIDITY, "validity_reason": _REASON})
    return query.get_compiler(using=alias).as_sql()


def settle(signatures: QuerySet) -> int:
    """Decide and store the validity of these signatures; returns how many
    rows were looked at. One UPDATE, whatever their number."""
    alias = signatures.db
    update, params = _set_clause(alias)
    pks, pk_params = signatures.values("pk").query.get_compiler(using=alias).as_sql()
    pk = connections[alias].ops.quote_name(Signature._meta.pk.column)
    with connections[alias].cursor() as cursor:
        cursor.execute(f"{update} WHERE {pk} IN ({pks})", (*params, *pk_params))
        return cursor.rowcount


def announce_counted(signatures: QuerySet) -> None:
    """After settle() on new signatures: tell the organisation's webhooks of
    those that count. Call it in settle()'s transaction."""
    counted = signatures.filter(validity=V.COUNTED).values_list(
        "pk", "petition__organisation_id", "petition_id"
    )
    for pk, organisation_id, petition_id in counted:
        queue_event(Event.SIGNATURE_COUNTED, organisation_id, petition_id, signature_id=pk)


def reason_text(signature: Signature) -> str:
    text = REASONS.get(signature.validity_reason, "")
    if signature.validity_reason == "same_person" and signature.duplicate_of_id:
        text += f" (signature {signature.duplicate_of_id})"
    if signature.validity_reason == "rule" and signature.invalidation_id:
        text += f": {signature.invalidation.reason}"
    return text
