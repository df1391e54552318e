"""Generated input against every public form and JSON endpoint: whatever
arrives, the answer is never a server error, and a refused post stores
nothing (only a 303 may change what is stored).

Examples are few per endpoint, so the suite stays quick; each run draws new
ones, and a failure prints the input that caused it."""

from urllib.parse import quote

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from signme.lib.tokens import make_token
from signme.mailing.models import OutboundEmail
from signme.people.models import RightsRequest, Suppression
from signme.petitions.links import form_token
from signme.petitions.models import Consent, Signature, SignatureIntake
from tests.conftest import signer_data

fuzz = settings(
    max_examples=40,
    deadline=None,
    database=None,  # nothing written into the working tree
    # The database and client fixtures are shared by the examples of a test,
    # which is what "nothing changed" is measured against.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SIGN_FIELDS = [
    "name",
    "email",
    "address",
    "postcode",
    "phone",
    "eligible",
    "not_counted_ok",
    "sheet",
    "website",
    "consent_email",
    "consent_sms",
    "consent_phone",
    "consent_post",
]

# Any character an HTTP client can send (a lone surrogate cannot be encoded).
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=60)
awkward = st.text(
    alphabet=" \t\r\n\x00\x07<>&'\"%;=/\\\u00ad\u200b\u200d\u202e\u3164\ufeff\U0001f469\U0001f3fd",
    max_size=30,
)
huge = st.builds(
    lambda piece, n: piece * n,
    st.sampled_from(["a", "é", "\U0001f600", "\u200d", " ", "<"]),
    st.integers(0, 300_000),
)
plausible = st.sampled_from(
    ["", "yes", "no", "on", "Siân Evans", "sian.evans@example.org", "a@localhost",
     "NR25 6BW", "nr1", "07700 900123", "S1500-000001", "12 Market Place, Holt"]
)  # fmt: skip
values = st.one_of(any_text, awkward, huge, plausible)
tokens = st.one_of(any_text.filter(bool), awkward.filter(bool), st.from_regex(r"[\w:.-]{1,80}"))
client_addresses = st.ip_addresses().map(str)
# Mostly what the petition page sends, so most forms get as far as validation.
fetch_site = st.sampled_from(
    ["same-origin", "same-origin", "same-origin", None, "same-site", "cross-site", "none"]
)


def stored() -> tuple:
    return (
        list(Signature.objects.order_by("pk").values_list("pk", "name", "status", "erased_at")),
        SignatureIntake.objects.count(),
        Consent.objects.count(),
        OutboundEmail.objects.count(),
        RightsRequest.objects.count(),
        Suppression.objects.count(),
    )


def path_part(token: str) -> str:
    return quote(token, safe="")


def query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


@st.composite
def sign_posts(draw, petition):
    """A signing form: a valid one with some fields changed or removed, or
    one made up from nothing; extra fields; every kind of form token."""
    data = signer_data(petition) if draw(st.integers(0, 3)) else {}
    if draw(st.booleans()):
        data["email"] = draw(st.emails())
    for field in draw(st.lists(st.sampled_from(SIGN_FIELDS), max_size=6)):
        if draw(st.booleans()):
            data[field] = draw(values)
        else:
            data.pop(field, None)
    data.update(draw(st.dictionaries(any_text, values, max_size=3)))
    token = draw(st.sampled_from(["valid"] * 4 + ["another petition's", "random", "none"]))
    if token == "valid":
        data["form_token"] = form_token(petition.number)
    elif token == "another petition's":
        data["form_token"] = form_token(petition.number + 1)
    elif token == "random":
        data["form_token"] = draw(tokens)
    else:
        data.pop("form_token", None)
    return data


@fuzz
@given(data=st.data())
def test_the_signing_form_never_fails_and_a_refusal_stores_nothing(client, petition, data):
    number = (
        1500 if data.draw(st.integers(0, 5), label="1500?") else data.draw(st.integers(0, 10**20))
    )
    form = data.draw(sign_posts(petition), label="form")
    headers = {"REMOTE_ADDR": data.draw(client_addresses, label="client")}
    if site := data.draw(fetch_site, label="Sec-Fetch-Site"):
        headers["HTTP_SEC_FETCH_SITE"] = site
    if origin := data.draw(st.sampled_from([None, None, "http://localhost:8000", "null"])):
        headers["HTTP_ORIGIN"] = origin
    before = stored()
    response = client.post(f"/petitions/{number}/sign", form, **headers)
    event(f"answered {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code < 500
    if response.status_code != 303:
        assert stored() == before


@fuzz
@given(
    form=st.dictionaries(st.sampled_from(["email", "csrfmiddlewaretoken"]) | any_text, values),
    address=client_addresses,
)
def test_the_your_data_form_never_fails_and_a_refusal_stores_nothing(
    client, petition, form, address
):
    before = stored()
    response = client.post("/your-data/", form, REMOTE_ADDR=address)
    event(f"answered {response.status_code}")
    assert response.status_code < 500
    if response.status_code != 303:
        assert stored() == before


link_tokens = st.one_of(
    tokens,
    # Genuinely signed, for signatures and requests that do not exist.
    st.builds(
        make_token,
        st.sampled_from(["confirm", "unsubscribe", "rights"]),
        st.integers(10**6, 2**31),
    ),
)


@fuzz
@given(
    token=link_tokens,
    method=st.sampled_from(["get", "post", "head", "put"]),
    form=st.dictionaries(
        st.sampled_from(["List-Unsubscribe", "channel", "confirm", "channels"]) | any_text,
        st.sampled_from(["One-Click", "all", "email", "on"]) | values,
        max_size=3,
    ),
)
def test_emailed_links_never_fail_and_an_unknown_token_changes_nothing(
    client, petition, signer, token, method, form
):
    if not Signature.objects.exists():
        signer()  # someone whose data a forged link must not touch
    before = stored()
    for path in ["/confirm/", "/unsubscribe/", "/your-data/"]:
        url = path + path_part(token)
        for tail in ["", "/erase", "/stop", "/data.json"] if path == "/your-data/" else [""]:
            response = getattr(client, method)(url + tail, form if method == "post" else None)
            assert response.status_code < 500, (url + tail, response.status_code)
    assert stored() == before


@fuzz
@given(
    number=st.one_of(st.just(1500), st.integers(0, 10**20)),
    path=st.sampled_from(
        [
            "/petitions/{}/count.json",
            "/petitions/{}.json",
            "/petitions/{}/qr.svg",
            "/{}",
            "/petitions/{}/",
            "/petitions/{}/signed",
            "/petitions/{}/widget",
            "/petitions/{}/badge.svg",
            "/petitions/{}/share.png",
            "/",  # the list of petitions and its search
        ]
    ),
    params=st.lists(
        st.tuples(st.sampled_from(["sheet", "page", "q"]) | any_text, values), max_size=3
    ),
    raw=st.sampled_from(["", "%", "%zz", "a=%ff%fe", "&&==", "sheet=%00"]),
)
def test_public_pages_and_json_never_fail_whatever_the_number_or_query(
    client, petition, number, path, params, raw
):
    url = path.format(number) + "?" + "&".join(filter(None, [query(params), raw]))
    response = client.get(url)
    event(f"answered {response.status_code}")
    assert response.status_code < 500, (url, response.status_code)
