"""The submissions section of the organiser's petition page: the scheme, the
compliance warnings, the packs made and the outcome."""

from signme.petitions.compliance import compliance_warnings, paper_columns
from signme.petitions.schemes import required_fields

from .models import Outcome
from .outcome import outcome_is_news


def submissions_summary(petition, *, organiser: bool, total: int) -> dict:
    target = petition.target
    outcome = Outcome.objects.filter(petition=petition).first()
    columns = paper_columns(petition)
    return {
        "target": target,
        "required": [f.short for f in required_fields(target)],
        "thresholds": list(target.thresholds.all()),
        "reached_ids": set(petition.reached.values_list("threshold_id", flat=True)),
        "warnings": compliance_warnings(petition),
        "columns": ", ".join(
            f.verbose_name.lower()
            for f in columns._meta.fields
            if f.name in ("name", "address", "postcode", "email", "signature")
            and getattr(columns, f.name)
        )
        if columns
        else "",
        "total": total,
        "below_minimum": bool(target.minimum_signatures and total < target.minimum_signatures),
        "submissions": petition.submissions.select_related("made_by")[:10] if organiser else [],
        "outcome": outcome,
        "news": bool(outcome and outcome_is_news(outcome)),
    }
