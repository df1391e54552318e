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

from functools import cache

from django.db import connections
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.sql import UpdateQuery

from .models import Signature

V = Signature.Validity
S = Signature.Status

REASONS = {
    "same_person": "The same person signed already",
    "rule": "Invalidated by an organiser's rule",
    "staff": "Invalidated by staff",
    "answered_no": "Answered no to the eligibility question",
    "honeypot": "A field hidden from people was filled in",
    "too_fast": "Sent within a second of the form being shown",
}

_invalidated = Q(invalidation__isnull=False) | Q(status=S.INVALID)
_flagged = ~Q(flagged="")

_VALIDITY = Case(
    When(status=S.PENDING, then=Value(V.PENDING.value)),
    When(status=S.DUPLICATE, then=Value(V.DUPLICATE.value)),
    When(_invalidated, then=Value(V.INVALIDATED.value)),
    When(eligible=False, then=Value(V.NOT_ELIGIBLE.value)),
    When(_flagged, then=Value(V.REVIEW.value)),
    default=Value(V.COUNTED.value),
)
_REASON = Case(
    When(status=S.PENDING, then=Value("")),
    When(status=S.DUPLICATE, then=Value("same_person")),
    When(invalidation__isnull=False, then=Value("rule")),
    When(status=S.INVALID, then=Value("staff")),
    When(eligible=False, then=Value("answered_no")),
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


def reason_text(signature: Signature) -> str:
    text = REASONS.get(signature.validity_reason, "")
    if signature.validity_reason == "same_person" and signature.duplicate_of_id:
        text += f" (signature {signature.duplicate_of_id})"
    if signature.validity_reason == "rule" and signature.invalidation_id:
        text += f": {signature.invalidation.reason}"
    return text
