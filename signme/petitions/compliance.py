"""Does a petition meet its target's petition scheme?

Checked live each time the organiser page or the sheet page asks, so it always
reflects the petition, its notice and its target as they are now. Every
finding is a warning: the organiser decides, and can still go on.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext

from .forms import SignForm
from .models import PaperColumns, Petition
from .schemes import required_fields

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_HANDING_OVER = re.compile(r"\b(submit\w*|hand(ed|ing)? (it )?(in|over)|give|pass)\b", re.I)


@dataclass(frozen=True)
class ComplianceWarning:
    code: str
    message: str

    def __str__(self):
        return self.message


def sharing_sentences(notice_text: str, target_name: str) -> list[str]:
    """The notice's sentences that tell signers what goes to the target."""
    name = target_name.lower()
    return [
        s
        for s in _SENTENCE.split(notice_text or "")
        if (name and name in s.lower()) or _HANDING_OVER.search(s)
    ]


def notice_shares_email(notice_text: str, target_name: str) -> bool:
    """True when the notice tells signers their email address goes to the target."""
    return any(
        re.search(r"\be-?mail", s, re.I) for s in sharing_sentences(notice_text, target_name)
    )


def paper_columns(petition: Petition) -> PaperColumns | None:
    return PaperColumns.objects.filter(petition=petition).first()


def compliance_warnings(petition: Petition) -> list[ComplianceWarning]:
    """Everything about `petition` that its target's scheme or the law would
    find wanting, as plain sentences an organiser can act on."""
    target = petition.target
    found = []

    def warn(code, message):
        found.append(ComplianceWarning(code, message))

    form = SignForm(petition=petition)
    columns = paper_columns(petition)
    for required in required_fields(target):
        field, words = required.name, required.words
        if field not in form.fields or not form.fields[field].required:
            warn(
                f"form_lacks_{field}",
                gettext(
                    "%(target)s needs %(what)s for every signatory, "
                    "but the online form does not ask for it."
                )
                % {"target": target.name, "what": words},
            )
        if columns is not None and not getattr(columns, field):
            column = PaperColumns._meta.get_field(field).verbose_name.lower()
            warn(
                f"sheet_lacks_{field}",
                gettext(
                    "%(target)s needs %(what)s for every signatory, but the paper sheet in "
                    "use has no %(column)s column. Sheets printed from SignMe have one."
                )
                % {"target": target.name, "what": words, "column": column},
            )

    notice = petition.current_notice
    if notice is None:
        warn(
            "no_notice",
            gettext(
                "There is no privacy notice: signers must be told how their details are used."
            ),
        )
    else:
        sharing = sharing_sentences(notice.text, target.name)
        if not sharing:
            warn(
                "notice_silent_on_target",
                gettext(
                    "The privacy notice (%(code)s) does not say that signers' details "
                    "will be given to %(target)s."
                )
                % {"code": notice.code, "target": target.name},
            )
        elif target.requires_email and not notice_shares_email(notice.text, target.name):
            warn(
                "notice_silent_on_email",
                gettext(
                    "The privacy notice (%(code)s) does not say that email addresses go to "
                    "%(target)s, so the submission pack leaves them out."
                )
                % {"code": notice.code, "target": target.name},
            )

    if not petition.imprint:
        warn("no_imprint", gettext("There is no imprint: add the promoter's name and address."))
    if not (petition.printer_name and petition.printer_address):
        warn(
            "no_printer",
            gettext("Printed sheets need the printer's name and address in their imprint."),
        )
    if not petition.return_address.strip():
        warn("no_return_address", gettext("There is no return address for paper sheets."))
    if not target.address.strip():
        warn(
            "target_without_address",
            gettext("%(target)s has no address: add where the petition is handed in.")
            % {"target": target.name},
        )
    return found
