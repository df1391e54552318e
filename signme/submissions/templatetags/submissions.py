from django import template

from signme.petitions.access import is_organiser
from signme.petitions.counting import compute_counts

from ..compliance import compliance_warnings, paper_columns
from ..models import Outcome
from ..outcome import outcome_is_news

register = template.Library()


@register.inclusion_tag("submissions/panel.html", takes_context=True)
def submissions_panel(context, petition, user):
    target = petition.target
    organiser = is_organiser(user, petition)
    total = compute_counts(petition.pk).total
    outcome = Outcome.objects.filter(petition=petition).first()
    columns = paper_columns(petition)
    required = [
        words
        for flag, words in [
            ("requires_name", "name"),
            ("requires_address", "address"),
            ("requires_postcode", "postcode"),
            ("requires_email", "email (online)"),
        ]
        if getattr(target, flag)
    ]
    return {
        "petition": petition,
        "target": target,
        "organiser": organiser,
        "required": required,
        "thresholds": list(target.thresholds.all()),
        "reached": set(petition.reached.values_list("threshold_id", flat=True)),
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
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def error_list(*forms):
    """(field id, message) pairs for the error summary, across forms and formsets."""
    found = []
    for form in forms:
        subforms = list(form) if hasattr(form, "management_form") else [form]
        if hasattr(form, "non_form_errors"):
            found += [("", e) for e in form.non_form_errors()]
        for f in subforms:
            for e in f.non_field_errors():
                found.append(("", e))
            for name, errors in f.errors.items():
                if name == "__all__":
                    continue
                for e in errors:
                    found.append((f[name].auto_id, e))
    return found
