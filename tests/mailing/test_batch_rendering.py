"""Confirmations rendered and built once per batch, then filled in per
signer: each must be what rendering and building it whole gives, for the
right person, link and language, or be built whole."""

import email
import re
from email import policy

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import translation

from signme.lib.emails import canonical_email
from signme.lib.language import in_language
from signme.mailing import kinds
from signme.mailing.kinds import one_batch, render_templates
from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import _MarksSent, deliver_all, deliver_batch
from signme.mailing.prepared import envelope_for
from signme.mailing.smtp import envelope_of
from signme.petitions.links import read_confirm_token
from signme.petitions.models import Signature
from signme.petitions.signing import receive_signature, take_in

CONFIRM = "petitions/emails/confirm_signature"
NAMES = [
    "Siân Evans",
    "Rhys ap Gwilym",
    'Tom <b>"Bold"</b> & O\'Brien',
    "  Two   spaces  ",
    "Łukasz Żółć",
    "李小龍",
    "x" * 200,
    "ŵŷ" * 100,  # 400 bytes of UTF-8
    "A line\nbreak",
    ".starts with a dot",
    "surrogate \udc80",
]


def _whole(context, personal):
    return kinds._render_whole(CONFIRM, {**context, **personal})


def _personal(name, i=0):
    return {"name": name, "confirm_url": f"https://signme.example/confirm/tok{i}:abc"}


def test_in_a_batch_each_email_is_what_rendering_it_whole_gives(petition):
    context = {"petition": petition, "organisation": petition.organisation}
    for language in ("en-gb", "cy"):
        with translation.override(language):
            wanted = [_whole(context, _personal(n, i)) for i, n in enumerate(NAMES)]
            with one_batch():
                got = [
                    render_templates(CONFIRM, context, _personal(n, i))
                    for i, n in enumerate(NAMES)
                ]
            assert got == wanted
            assert all(r.shared is got[0].shared for r in got)
    assert "Annwyl" in wanted[0].text and "Rhys ap Gwilym" in wanted[1].text  # Welsh, and the name


def test_a_batch_renders_the_templates_once_whatever_its_size(petition, monkeypatch):
    context = {"petition": petition, "organisation": petition.organisation}
    calls = []
    whole = kinds._render_whole
    monkeypatch.setattr(kinds, "_render_whole", lambda *a: calls.append(a) or whole(*a))
    with one_batch():
        for i in range(50):
            render_templates(CONFIRM, context, _personal(f"Signer {i}", i))
    # Twice with stand-ins, once whole to check the first against.
    assert len(calls) == 3
    calls.clear()
    for i in range(5):  # outside a batch: each whole, as before
        render_templates(CONFIRM, context, _personal(f"Signer {i}", i))
    assert len(calls) == 5


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>{{ name|upper }}</p>", "{{ name }}"),
        ("<p>{{ name|safe }}</p>", "{{ name }}"),
        ("<p>{{ name }}</p>", "{% if name|length > 10 %}long{% endif %}{{ name }}"),
        ("<p>{{ name }}</p>", "{{ name|truncatechars:4 }}"),
    ],
)
def test_a_template_that_does_more_than_show_a_value_is_rendered_whole(
    petition, settings, tmp_path, html, text
):
    (tmp_path / "t").mkdir()
    (tmp_path / "t/e.subject.txt").write_text("Hello")
    (tmp_path / "t/e.txt").write_text("{% autoescape off %}" + text + "{% endautoescape %}")
    (tmp_path / "t/e.html").write_text(html)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    names = ["Short", "A <much> longer name & more"]
    wanted = [kinds._render_whole("t/e", {"name": n}) for n in names]
    with one_batch() as batch:
        got = [render_templates("t/e", {"p": petition}, {"name": n}) for n in names]
    assert [(r.subject, r.text, r.html) for r in got] == [
        (r.subject, r.text, r.html) for r in wanted
    ]
    assert list(batch.values()) == [None]  # found out, and nobody's is filled in


def _django_bytes(rendered, to, mid, from_email):
    msg = EmailMultiAlternatives(
        rendered.subject, rendered.text, from_email, [to], headers={"Message-ID": mid}
    )
    msg.attach_alternative(rendered.html, "text/html")
    return envelope_of(msg)


def _same_apart_from_boundary_and_date(a: bytes, b: bytes) -> bool:
    def plain(data):
        data = re.sub(rb"={15}\d+==", b"BOUNDARY", data)
        return re.sub(rb"(?m)^Date: .*$", b"Date: -", data)

    return plain(a) == plain(b)


ADDRESSES = [
    "sian.evans@example.org",
    "Rhys+petitions@Example.ORG",
    "o'brien@example.org",
    "łukasz@example.pl",
    '"quoted local"@example.org',
    "a" * 64 + "@example.org",
    "user@xn--strae-oqa.de",
    "no-at-sign",
]


def test_prepared_bytes_are_what_django_builds_or_nothing(petition, settings):
    context = {"petition": petition, "organisation": petition.organisation}
    from_email = settings.DEFAULT_FROM_EMAIL
    fast = 0
    for language in ("en-gb", "cy"):
        with translation.override(language), one_batch() as batch:
            for i, (name, to) in enumerate(
                (n, a) for n in NAMES for a in ADDRESSES if a != "no-at-sign" or n == NAMES[0]
            ):
                rendered = render_templates(CONFIRM, context, _personal(name, i))
                mid = f"<signme.{i}.20261128@example.org>"
                envelope = envelope_for(rendered, to, mid, from_email, batch)
                if envelope is None:
                    continue
                fast += 1
                whole = _django_bytes(rendered, to, mid, from_email)
                assert _same_apart_from_boundary_and_date(envelope.body, whole.body), (name, to)
                assert (envelope.sender, envelope.recipients) == (whole.sender, whole.recipients)
                assert envelope.commands == whole.commands
    assert fast >= 2 * 3 * 7  # plain addresses and values were filled in
    with one_batch() as batch:  # those that cannot be are left to Django
        for name, to in [
            ("A line\nbreak", "a@example.org"),
            (".starts with a dot", "a@example.org"),
            ("surrogate \udc80", "a@example.org"),
            ("ŵŷ" * 600, "a@example.org"),
            ("Siân", "łukasz@example.pl"),
            ("Siân", '"quoted local"@example.org'),
            ("Siân", "a" * 64 + "@example.org"),
        ]:
            rendered = render_templates(CONFIRM, context, _personal(name))
            assert envelope_for(rendered, to, "<m@x>", from_email, batch) is None, (name, to)


def _queue_confirmations(petition, people):
    petition.cached_notice = petition.current_notice  # as the petition page places it
    for name, address, language in people:
        with in_language(language):
            receive_signature(
                petition,
                {
                    "name": name,
                    "email": address,
                    "email_canonical": canonical_email(address),
                    "address": "1 Market Place, Holt",
                    "postcode": "NR25 6BW",
                    "eligible": "yes",
                },
            )
    while take_in():
        pass


def test_a_mixed_batch_reaches_each_signer_once_with_their_own_name_link_and_language(
    petition, smtp
):
    people = [
        (f"Signer {i} {name}", f"signer{i}@example.org", "cy" if i % 3 == 0 else "en")
        for i, name in enumerate(["Siân", "O'Brien & Sons", "Łukasz", "Tom", "Ann", "Bob"])
    ]
    people.append(("Long Address", "a" * 64 + "@example.org", "cy"))  # built whole
    _queue_confirmations(petition, people)
    assert deliver_batch("w1", limit=100) == len(people)
    received = smtp.mailbox.wait_for(len(people))
    assert len(received) == len(people)
    by_address = {m["To"]: m for m in received}
    for name, address, language in people:
        msg = by_address[address]
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert name in text
        assert name.replace("&", "&amp;").replace("'", "&#x27;") in html
        [token] = re.findall(r"/confirm/(\S+)", text)
        signature = Signature.objects.get(email=address)
        assert read_confirm_token(token) == signature.pk
        assert ("Annwyl" in text) == (language == "cy")
        row = OutboundEmail.objects.get(signature=signature)
        assert row.message_id == msg["Message-ID"] and row.sent_at is not None
    assert deliver_all() == 0  # nothing left to go twice


def test_a_message_built_from_prepared_bytes_parses_as_the_one_django_builds(petition, settings):
    context = {"petition": petition, "organisation": petition.organisation}
    with one_batch() as batch:
        rendered = [
            render_templates(CONFIRM, context, _personal(n, i)) for i, n in enumerate(NAMES[:6])
        ]
        envelopes = [
            envelope_for(r, f"p{i}@example.org", f"<m{i}@x>", settings.DEFAULT_FROM_EMAIL, batch)
            for i, r in enumerate(rendered)
        ]
    for i, (r, envelope) in enumerate(zip(rendered, envelopes, strict=True)):
        msg = email.message_from_bytes(envelope.body, policy=policy.default)
        assert msg["To"] == f"p{i}@example.org" and msg["Message-ID"] == f"<m{i}@x>"
        assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == r.text
        assert (
            msg.get_body(("html",)).get_content().replace("\r\n", "\n").rstrip() == r.html.rstrip()
        )


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_mark_skips_the_disk_wait_for_its_own_transaction_only(petition):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    def synchronous_commit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    row = OutboundEmail.objects.create(kind="custom", to="a@example.org", subject="s", text="t")
    OutboundEmail.objects.filter(pk=row.pk).update(claimed_by="w1")
    with transaction.atomic():
        assert _MarksSent([row], "w1")([0]) == {0}
        assert synchronous_commit() == "off"  # for the mark's own transaction
    assert synchronous_commit() == "on"  # and not a moment longer
    other = OutboundEmail.objects.create(kind="custom", to="b@example.org", subject="s", text="t")
    OutboundEmail.objects.filter(pk=other.pk).update(claimed_by="w1")
    assert _MarksSent([other], "w1")([0]) == {0}  # in autocommit, as a worker runs
    assert synchronous_commit() == "on"
    assert OutboundEmail.objects.filter(sent_at=None).count() == 0
