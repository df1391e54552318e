import copy
import re
import unicodedata

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from signme.geography.lookup import FOUND, TERMINATED, areas_of
from signme.geography.models import Area
from signme.lib.emails import UndeliverableEmail, canonical_email, check_deliverable
from signme.lib.language import WELSH, current_language
from signme.lib.phones import looks_like_phone
from signme.lib.postcodes import InvalidPostcode, normalise_postcode

from .consent import CHANNELS, consent_wording
from .models import Channel, Petition

_ANGLE = re.compile(r"[<>]")

# Invisible, yet letters or symbols to Unicode: a name of Hangul fillers or a
# blank braille cell looks empty on the page and in the submission pack.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Joiners are formatting characters, but a name needs them: ZWNJ in Persian
# and Indic names, ZWJ in Indic names and emoji (👩🏽‍🦰). Only between two
# visible characters, so they cannot pad a name or stand alone.
_JOINERS = "\u200c\u200d"
_STRAY_JOINER = re.compile(rf"(?:^|\s)[{_JOINERS}]|[{_JOINERS}](?:$|\s)|[{_JOINERS}]{{2}}")
# A subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland, Wales) is a black flag, tag letters and a
# cancel tag; tag characters anywhere else are hidden text.
_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]+\U000e007f")
_UNPRINTABLE = {"Cc", "Cf", "Co", "Cs"}
# What to ask for when nothing that can be seen was typed. Labels are given
# in English and translated where a message names them.
_ASK_AGAIN = {
    "Your name": _("Enter your full name"),
    "Your address": _("Enter your address"),
    "Your phone number": _("Enter a phone number, like 01603 222222"),
}
YOUR_NAME, YOUR_ADDRESS, YOUR_PHONE = (
    gettext_noop("Your name"),
    gettext_noop("Your address"),
    gettext_noop("Your phone number"),
)


def _visible_letter_or_digit(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN" and ch not in _BLANK_LOOKING


def clean_text(value: str, label: str) -> str:
    """Trim, normalise Unicode and refuse what no name or address contains:
    control and other invisible characters, < and >, and text with no letter
    or digit anyone can see."""
    value = unicodedata.normalize("NFC", value or "").strip()
    value = re.sub(r"\s+", " ", value)
    if not value:
        return value
    # Messages are worded only when raised: this runs three times a signature.
    if not any(_visible_letter_or_digit(ch) for ch in value):
        raise forms.ValidationError(
            _ASK_AGAIN.get(label)
            or gettext("%(label)s has no letters or numbers that can be read.")
            % {"label": gettext(label)}
        )
    rest = _FLAG_TAGS.sub("", value).replace("\u200c", "").replace("\u200d", "")
    if _STRAY_JOINER.search(value) or any(
        unicodedata.category(ch) in _UNPRINTABLE or ch in _BLANK_LOOKING for ch in rest
    ):
        raise forms.ValidationError(
            gettext("%(label)s contains characters that cannot be printed.")
            % {"label": gettext(label)}
        )
    if _ANGLE.search(value):
        raise forms.ValidationError(
            gettext("%(label)s cannot contain < or >.") % {"label": gettext(label)}
        )
    return value


_DO_YOU = re.compile(r"^\s*(do|are) you\s+(.+?)\s*\??\s*$", re.IGNORECASE)


def what_to_select(question: str) -> str:
    """The GOV.UK error for an unanswered yes/no question says what to do:
    "Do you live, work or study in Norfolk?" gives "Select yes if you live,
    work or study in Norfolk, or no if you do not"."""
    match = _DO_YOU.match(question)
    if not match or current_language() == WELSH:
        # The question is the target's, in English: turning it round is
        # English grammar.
        return gettext("Select yes or no")
    verb, rest = match.group(1).lower(), match.group(2)
    if verb == "are":
        rest = f"are {rest}"
    return f"Select yes if you {rest}, or no if you {verb} not"


class _SigningRules:
    """The signing form's own checks, field by field and together: shared
    by SignForm, which renders them, and SigningCheck, which runs them on
    the happy path without building a form."""

    petition: Petition

    def _sign_anyway(self) -> str:
        return gettext(
            "Sign anyway, knowing my signature is recorded but not counted for %(target)s"
        ) % {"target": self.petition.target.name}

    def clean_name(self):
        return clean_text(self.cleaned_data["name"], YOUR_NAME)

    def clean_address(self):
        return clean_text(self.cleaned_data["address"], YOUR_ADDRESS)

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        try:
            validate_email(value)
            # Django lets a@localhost through, and any domain its pattern
            # allows; mail must reach it from the internet.
            check_deliverable(value)
        except (forms.ValidationError, UndeliverableEmail):
            raise forms.ValidationError(
                gettext("Enter an email address in the correct format, like name@example.com")
            ) from None
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if not value.strip():
            return ""
        try:
            postcode = normalise_postcode(value)
        except InvalidPostcode:
            raise forms.ValidationError(
                gettext("Enter a real UK postcode, like NR1 2DH")
            ) from None
        return postcode

    def clean_phone(self):
        value = clean_text(self.cleaned_data["phone"], YOUR_PHONE)
        if value and not looks_like_phone(value):
            raise forms.ValidationError(gettext("Enter a phone number, like 01603 222222"))
        return value

    def _clean_together(self, data: dict) -> dict:
        wants_calls = data.get(f"consent_{Channel.SMS}") or data.get(f"consent_{Channel.PHONE}")
        if wants_calls and not data.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone", gettext("Enter a phone number, or untick text messages and phone calls")
            )
        if data.get("eligible") == "no" and "eligible" not in self.errors:
            self._answered_no(data)
        wants_post = data.get(f"consent_{Channel.POST}")
        if wants_post and not data.get("address") and "address" not in self.errors:
            self.add_error("address", gettext("Enter your address, or untick post"))
        if data.get("email"):
            data["email_canonical"] = canonical_email(data["email"])
        if "postcode" not in self.errors and self.area_codes:
            # The scheme asks where signers live: look the postcode up now, to
            # tell them before they sign. Signing stores these areas; without
            # such a scheme the worker looks up a whole batch's in one query.
            data["areas"] = areas_of(data.get("postcode", ""))
            self._check_area(data)
        return data

    area_codes: list[str] = []
    needs_outside_area_ok = False

    def area_names(self) -> str:
        named = dict(Area.objects.filter(code__in=self.area_codes).values_list("code", "name"))
        names = [named.get(code) or code for code in self.area_codes]
        if len(names) == 1:
            return names[0]
        return gettext("%(first)s or %(last)s") % {
            "first": ", ".join(names[:-1]),
            "last": names[-1],
        }

    def _check_area(self, data):
        """A postcode outside the scheme's areas is pointed out before signing
        (validity.py decides that it does not count): the signer may say they
        work or study there, or sign anyway."""
        areas = data["areas"]
        if areas.get("postcode_found") not in (FOUND, TERMINATED):
            return  # no postcode, or one the directory does not hold: not evidence
        if set(self.area_codes) & {v for k, v in areas.items() if k.startswith("area_")}:
            return
        if data.get("works_or_studies_in_area") or data.get("outside_area_ok"):
            return
        self.needs_outside_area_ok = True
        target = self.petition.target
        self.add_error(
            "postcode",
            gettext(
                "%(postcode)s is not in %(areas)s. Only people who live, work or study there "
                "count for %(target)s. Tick the box below if you work or study there, or sign "
                "anyway and your signature is recorded but not counted"
            )
            % {"postcode": data["postcode"], "areas": self.area_names(), "target": target.name},
        )

    def _answered_no(self, data):
        """Someone who answers no is told before signing that it will not count
        for the target, and signs only if they still want to (or, where the
        scheme says so, cannot sign at all)."""
        target = self.petition.target
        if target.refuse_ineligible:
            self.add_error(
                "eligible",
                gettext("Only people who can answer yes can sign this petition to %(target)s")
                % {"target": target.name},
            )
        elif not data.get("not_counted_ok"):
            self.needs_not_counted_ok = True
            self.add_error(
                "eligible",
                gettext(
                    "If you answer no, your signature is recorded but not counted for "
                    "%(target)s. Change your answer, or tick the box below to sign anyway"
                )
                % {"target": target.name},
            )

    needs_not_counted_ok = False


class SignForm(_SigningRules, forms.Form):
    """The online signing form. Which fields it asks for follows the target's
    scheme; the consent boxes are always there and always start unticked."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Your name must be 200 characters or fewer"),
        },
    )
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We email you a link to confirm your signature."),
        error_messages={
            "required": _("Enter your email address"),
            "max_length": _("Your email address must be 254 characters or fewer"),
        },
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        help_text=_("House number and street, town."),
        error_messages={
            "required": _("Enter your address"),
            "max_length": _("Your address must be 300 characters or fewer"),
        },
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        error_messages={
            "required": _("Enter your postcode"),
            "max_length": _("Enter a real postcode, like NR1 2DH"),
        },
    )
    eligible = forms.ChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes or no"),
            "invalid_choice": _("Select yes or no"),
        },
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Only needed if you ticked text messages or phone calls above."),
        error_messages={"max_length": _("Enter a phone number of 20 characters or fewer")},
    )
    not_counted_ok = forms.BooleanField(required=False)
    works_or_studies_in_area = forms.BooleanField(required=False)
    outside_area_ok = forms.BooleanField(required=False)
    sheet = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by the page's CSS and from screen readers; bots fill
    # in every field. Filled in, the signature is held for review, not refused.
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        target = petition.target
        self.fields["address"].required = target.requires_address
        self.fields["postcode"].required = target.requires_postcode
        if not (target.requires_address or target.requires_postcode):
            # Asked anyway, optionally: posting to someone needs an address.
            self.fields["address"].label = gettext("Address (optional)")
            self.fields["postcode"].label = gettext("Postcode (optional)")
        if target.eligibility_question:
            self.fields["eligible"].label = target.eligibility_question
            self.fields["eligible"].error_messages["required"] = what_to_select(
                target.eligibility_question
            )
            self.fields["not_counted_ok"].label = self._sign_anyway()
        else:
            del self.fields["eligible"]
            del self.fields["not_counted_ok"]
        if target.eligible_areas:
            self.area_codes = target.eligible_area_codes
            self.fields["works_or_studies_in_area"].label = gettext(
                "I do not live in %(areas)s but I work or study there"
            ) % {"areas": self.area_names()}
            self.fields["outside_area_ok"].label = self._sign_anyway()
        else:
            del self.fields["works_or_studies_in_area"]
            del self.fields["outside_area_ok"]
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        org = petition.organisation.name
        for channel in CHANNELS:
            self.fields[f"consent_{channel}"] = forms.BooleanField(
                label=consent_wording(channel, org), required=False, initial=False
            )
        autocomplete = {
            "name": "name",
            "email": "email",
            "address": "street-address",
            "postcode": "postal-code",
            "phone": "tel",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["email"].widget.input_type = "email"
        self.fields["email"].widget.attrs.update(spellcheck="false", autocapitalize="off")
        self.fields["phone"].widget.input_type = "tel"
        self.fields["postcode"].widget.attrs.update(autocapitalize="characters", size="10")

    def consent_fields(self):
        return [self[f"consent_{c}"] for c in CHANNELS]

    def clean(self):
        return self._clean_together(super().clean())


# The fields SigningCheck cleans as the form's own would: the class's, never
# changed; the address and postcode also optional, for schemes that do not
# require them; one consent box for the four.
_FIELDS = SignForm.base_fields
_OPTIONAL = {name: copy.deepcopy(_FIELDS[name]) for name in ("address", "postcode")}
for _field in _OPTIONAL.values():
    _field.required = False
_CONSENT = forms.BooleanField(required=False)


class SigningCheck(_SigningRules):
    """SignForm's verdict on a signing POST without building the form: the
    same fields (Django's own, as the form declares them), the same clean_*
    methods and the same checks together, so the same rules and messages.
    Building the form (copying its fields, wording its labels and consent
    boxes) was most of what a signature cost the server; the form is built
    only when something is wrong, to show what. Tested against the form
    case by case (tests/petitions/test_signing_check.py)."""

    def __init__(self, data, *, petition: Petition):
        self.data, self.petition = data, petition
        target = petition.target
        self.area_codes = target.eligible_area_codes if target.eligible_areas else []
        self.errors: dict[str, list[str]] = {}
        self.cleaned_data: dict = {}
        for name, field in self._fields(target):
            try:
                value = field.widget.value_from_datadict(data, {}, name)
                if name == "eligible" and field.to_python(value) == "":
                    # The form words this after the scheme's question.
                    raise forms.ValidationError(what_to_select(target.eligibility_question))
                self.cleaned_data[name] = field.clean(value)
                if clean := getattr(self, f"clean_{name}", None):
                    self.cleaned_data[name] = clean()
            except forms.ValidationError as e:
                self.add_error(name, e)
        self.cleaned_data = self._clean_together(self.cleaned_data)

    @staticmethod
    def _fields(target):
        """(name, field) in the form's order, as SignForm.__init__ arranges them."""
        yield "name", _FIELDS["name"]
        yield "email", _FIELDS["email"]
        yield "address", _FIELDS["address"] if target.requires_address else _OPTIONAL["address"]
        yield (
            "postcode",
            (_FIELDS["postcode"] if target.requires_postcode else _OPTIONAL["postcode"]),
        )
        if target.eligibility_question:
            yield "eligible", _FIELDS["eligible"]
        yield "phone", _FIELDS["phone"]
        if target.eligibility_question:
            yield "not_counted_ok", _FIELDS["not_counted_ok"]
        if target.eligible_areas:
            yield "works_or_studies_in_area", _FIELDS["works_or_studies_in_area"]
            yield "outside_area_ok", _FIELDS["outside_area_ok"]
        for name in ("sheet", "form_token", "website"):
            yield name, _FIELDS[name]
        for channel in CHANNELS:
            yield f"consent_{channel}", _CONSENT

    def is_valid(self) -> bool:
        return not self.errors

    def add_error(self, field: str, error) -> None:
        """As Form.add_error does for a field."""
        if not isinstance(error, forms.ValidationError):
            error = forms.ValidationError(error)
        self.errors.setdefault(field, []).extend(error.messages)
        self.cleaned_data.pop(field, None)
