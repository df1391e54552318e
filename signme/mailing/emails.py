"""One function per kind of email: subject, text and HTML templates side by side
in templates/mailing/<kind>.*"""

from django.template.loader import render_to_string

from .registry import Rendered, renderer


def render_kind(kind: str, context: dict) -> Rendered:
    subject = render_to_string(f"mailing/{kind}.subject.txt", context).strip()
    text = render_to_string(f"mailing/{kind}.txt", context)
    html = render_to_string(f"mailing/{kind}.html", context)
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)


@renderer("confirm_signature")
def confirm_signature(row) -> Rendered | None:
    from signme.petitions.views import confirm_url

    signature = row.signature
    if signature is None or signature.erased_at or signature.status != "pending":
        return None
    petition = signature.petition
    return render_kind(
        "confirm_signature",
        {
            "petition": petition,
            "organisation": petition.organisation,
            "name": signature.name,
            "confirm_url": confirm_url(signature),
        },
    )
