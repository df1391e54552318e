"""Two organisations, their staff, a signer and one of every object a URL can
name, for the permission matrix (tests/test_permissions.py).

Every URL is filled with organisation A's objects: A's staff may reach them,
B's staff must not. B's volunteer was also given A's petition by mistake (a
stray grant across organisations), which must count for nothing."""

import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from signme.audit.log import Action, record
from signme.audit.models import AuditEvent
from signme.mailing.models import Campaign
from signme.mailing.outbox import queue_email
from signme.paper.models import Scan
from signme.paper.sheets import issue_sheets, log_return
from signme.people.links import rights_token, unsubscribe_token
from signme.people.models import RightsRequest
from signme.people.suppression import email_digest
from signme.petitions.invalidation import invalidate
from signme.petitions.links import confirm_token, form_token
from signme.petitions.models import (
    Invalidation,
    Membership,
    Organisation,
    PaperColumns,
    Petition,
    PrivacyNotice,
    Sheet,
    Signature,
    Target,
)
from signme.petitions.team import invitation_token, invite
from signme.petitions.validity import settle
from signme.submissions.models import Outcome, Submission
from signme.submissions.submitting import request_pack
from signme.web.demo import load_demo
from signme.webhooks.models import Webhook

ACTORS = ["outsider", "signer", "vol_a", "vol_b", "org_a", "org_b", "super"]
SIGNER_EMAIL = "sian.evans@example.org"


def walk_urls(patterns=None, prefix="", namespace=""):
    """(key, route) for every URL pattern: the key is the URL's name
    (namespaced, e.g. admin:index) or, for an unnamed pattern, its route."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from walk_urls(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else route), route


def fill(route: str, values: dict) -> str:
    """The route with its parameters filled in: <int:number> and (?P<url>…)."""

    def value(match):
        return str(values[match.group(1)])

    path = re.sub(r"\(\?P<(\w+)>[^()]*\)", value, route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", value, path)
    return "/" + path.replace("^", "").replace("$", "")


def tampered(token: str) -> str:
    """The token with its last character changed: what a guess looks like."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(out, "PNG")
    return out.getvalue()


def _organiser_permissions(user):
    # What the demo gives an organiser: the petitions, paper and submissions
    # apps in the admin (and nothing of auth, otp or the audit log).
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["petitions", "paper", "submissions"]
        )
    )


@dataclass
class World:
    petition_a: Petition
    petition_b: Petition
    users: dict
    # A's objects by admin model label ("petitions.petition"), for admin URLs.
    admin_objects: dict
    values: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    # What identifies A on a page: none of it may show on B's staff pages.
    markers_of_a: list = field(default_factory=list)
    clients: dict = field(default_factory=dict)
    # Whether the last client() call had to sign the actor in.
    signed_in_again: bool = False

    def client(self, actor: str) -> Client:
        """The actor's browser, signed in (again, after a request that signed
        it out). One per actor: a new Client sets up every middleware."""
        client = self.clients.setdefault(actor, Client())
        client.cookies.pop("messages", None)  # last request's, never shown
        session = client.cookies.get(settings.SESSION_COOKIE_NAME)
        user = self.users.get(actor)
        self.signed_in_again = user is not None and (session is None or not session.value)
        if self.signed_in_again:
            client.force_login(user)
        return client

    def url(self, key: str, route: str, actor: str) -> str:
        values = dict(self.values)
        values.update(PARAMS_BY_KEY.get(key, lambda w: {})(self))
        if "token" in route:
            token = self.tokens[_token_kind(key)]
            values["token"] = token if actor == "signer" else tampered(token)
        if "object_id" in route and "content_type_id" not in route:
            label = _admin_model(route)
            assert label in self.admin_objects, f"add an object of A's for {label} to build_world"
            values["object_id"] = self.admin_objects[label].pk
        return fill(route, values)


def _token_kind(key: str) -> str:
    if key == "team_join":
        return "invitation"
    if key == "confirm":
        return "confirm"
    if key == "unsubscribe":
        return "unsubscribe"
    return "rights"


def _admin_model(route: str) -> str:
    app, model = route.split("/")[1:3]
    return f"{app}.{model}"


# Parameters that mean a different object in different URLs.
PARAMS_BY_KEY = {
    "paper_save_row": lambda w: {"row": 2},  # an empty row
    "paper_undo_row": lambda w: {"row": 1},  # typed by A's volunteer
    "paper_scan_image": lambda w: {"pk": w.values["scan"]},
    "paper_assign_scan": lambda w: {"pk": w.values["scan"]},
    "check_request": lambda w: {"pk": w.values["paper_request"]},
    "request_data": lambda w: {"pk": w.values["paper_request"]},
    "paper_scan": lambda w: {"pk": w.values["filed_scan"]},
    # Row 2 is untyped: any of A's staff may see it to type it.
    "paper_scan_row": lambda w: {"pk": w.values["filed_scan"], "row": 2},
    "campaign": lambda w: {"pk": w.values["campaign"]},
    "campaign_edit": lambda w: {"pk": w.values["campaign"]},
    "campaign_test": lambda w: {"pk": w.values["campaign"]},
    "campaign_send": lambda w: {"pk": w.values["campaign"]},
    "organise_target": lambda w: {"pk": w.values["target"]},
    "organise_target_preset": lambda w: {"pk": w.values["target"]},
    "organise_target_copy": lambda w: {"pk": w.values["target"]},
    "organise_submission_file": lambda w: {"pk": w.values["submission"]},
    "dev_outbox_message": lambda w: {"pk": w.values["email"]},
    "invalidation_undo": lambda w: {"pk": w.values["invalidation"]},
    "review_count": lambda w: {"pk": w.values["held"]},
    "review_invalidate": lambda w: {"pk": w.values["held"]},
    "team_member": lambda w: {"pk": w.values["vol_a_membership"]},
    "team_remove": lambda w: {"pk": w.values["vol_a_membership"]},
    "team_cancel": lambda w: {"pk": w.values["invitation"]},
    "webhook_remove": lambda w: {"pk": w.values["webhook"]},
    "admin:otp_totp_totpdevice_config": lambda w: {
        "pk": w.admin_objects["otp_totp.totpdevice"].pk
    },
    "admin:otp_totp_totpdevice_qrcode": lambda w: {
        "pk": w.admin_objects["otp_totp.totpdevice"].pk
    },
    "admin:auth_user_password_change": lambda w: {"id": w.users["org_a"].pk},
    "admin_view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Petition).pk,
        "object_id": w.petition_a.pk,
    },
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Petition).pk,
        "object_id": w.petition_a.pk,
    },
}


def post_data(key: str, world: World) -> dict:
    """What a POST to this URL carries: a real form's data where there is one,
    so a POST that got through would change something."""
    a = world.petition_a
    admin_view = key.rsplit("_", 1)[-1] if key.startswith("admin:") else ""
    if admin_view == "changelist":
        model = world.admin_objects[_admin_label(key, world)]
        return {"action": "delete_selected", "_selected_action": [model.pk], "post": "yes"}
    if admin_view == "delete":
        return {"post": "yes"}
    if admin_view in ("change", "add"):
        return {"title": "Changed by the matrix", "name": "Changed by the matrix", "tally": "9"}
    return {
        "sign": {
            "form_token": form_token(a.number),
            "name": "Matrix Signer",
            "email": "matrix.signer@example.org",
            "address": "1 High Street, Holt",
            "postcode": "NR25 6BW",
            "eligible": "yes",
        },
        "confirm": {},
        "login": {"username": "org-a@example.org", "password": "wrong-password"},
        "paper_issue": {"count": "2", "issued_to": "Matrix stall"},
        "paper_returns": {"serial": world.values["sheet2"], "tally": "4"},
        "paper_save_row": {
            "r2-name": "Pat Matrix",
            "r2-address": "2 High Street, Holt",
            "r2-postcode": "NR25 6BW",
        },
        "paper_assign_scan": {"serial": world.values["serial"]},
        "paper_fix_tally": {"fix-serial": world.values["serial"], "fix-tally": "5"},
        "paper_reopen": {"reason": "Matrix correction"},
        "your_data_paper": {
            "name": "Row One",
            "postcode": "NR25 6BW",
            "wants": "erase",
            "reply_to": "1 Church Street, Holt",
        },
        "unsubscribe": {"List-Unsubscribe": "One-Click"},
        "your_data": {"email": "someone@example.org"},
        "your_data_stop": {"channels": "all"},
        "your_data_erase": {"confirm": "on"},
        "campaign_new": {"subject": "Matrix news", "body": "Hello"},
        "campaign_edit": {"subject": "Matrix news", "body": "Hello"},
        "campaign_send": {"confirm": "yes"},
        "organise_target_preset": {"preset": "norwich-city-council"},
        "organise_paper_columns": {"name": "on", "address": "on", "signature": "on"},
        "organise_outcome": {
            "submitted_on_0": "1",
            "submitted_on_1": "11",
            "submitted_on_2": "2026",
        },
        "organise_petition_new": {
            "organisation": a.organisation_id,
            "number": "1600",
            "title": "Matrix petition",
            "statement": "do the matrix thing",
            "target_choice": f"target:{a.target_id}",
            "notice_text": "We give your name and address to the council.",
            "retention_days": "365",
        },
        "organise_petition_edit": {
            "title": "Changed by the matrix",
            "statement": a.statement,
            "target_choice": f"target:{a.target_id}",
            "notice_text": a.current_notice.text,
            "retention_days": "365",
        },
        "team_invite": {"email": "new.volunteer@example.org", "role": "volunteer"},
        "team_member": {"petitions": [a.pk]},
        "webhooks": {"url": "https://crm.example.org/hook"},
    }.get(key, {})


def _admin_label(key: str, world: World) -> str:
    # admin:petitions_papercolumns_changelist -> petitions.papercolumns
    name = key.split(":", 1)[1].rsplit("_", 1)[0]
    return next(label for label in world.admin_objects if label.replace(".", "_") == name)


def _kept_models() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in ("limits", "sessions", "contenttypes")
        and model._meta.label_lower != "auth.permission"
    ]


@cache
def _snapshot_query(vendor: str) -> tuple[list[str], str]:
    """One SELECT that returns every table's rows as one string each: the
    matrix takes two snapshots per request, and a query per table made the
    snapshots most of its time on PostgreSQL."""
    qn = connection.ops.quote_name
    labels, columns = [], []
    for model in _kept_models():
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        labels.append(model._meta.label_lower)
        if vendor == "postgresql":
            columns.append(f"(SELECT string_agg(t::text, ';' ORDER BY t.{pk}) FROM {table} t)")
        else:
            row = " || ',' || ".join(f"quote({qn(f.column)})" for f in model._meta.concrete_fields)
            rows = f"SELECT {row} AS r FROM {table} ORDER BY {pk}"
            columns.append(f"(SELECT group_concat(r, ';') FROM ({rows}))")
    return labels, "SELECT " + ", ".join(columns)


def snapshot() -> dict:
    """Every row of every table SignMe keeps, many-to-many links included.
    Rate-limit counters and sessions are left out: refusing a request may
    count it, and signing in is not a change of what SignMe holds."""
    labels, query = _snapshot_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(zip(labels, cursor.fetchone(), strict=True))


def build_world(test_settings, tmp_path) -> World:
    test_settings.MEDIA_ROOT = tmp_path / "media"
    User = get_user_model()
    a = load_demo(username="org-a@example.org", password="org-a-pass-1")
    org_a = a.organisation
    users = {
        "outsider": None,
        "signer": None,
        "org_a": User.objects.get(username="org-a@example.org"),
    }

    org_b = Organisation.objects.create(name="Holt Footpaths Group", address="3 Lane, Holt")
    target_b = Target.objects.create(name="Holt Town Council", minimum_signatures=10)
    Target.objects.create(name="Unpetitioned Parish Council")  # offered to anyone
    b = Petition.objects.create(
        number=77,
        organisation=org_b,
        target=target_b,
        title="Mend the Spout Hill path",
        statement="mend the path",
        status=Petition.Status.OPEN,
    )
    PrivacyNotice.publish(b, "We keep your name for the council.")
    PaperColumns.objects.create(petition=b)

    users["org_b"] = User.objects.create_user("org-b@example.org", password="x", is_staff=True)
    _organiser_permissions(users["org_b"])
    Membership.objects.create(user=users["org_b"], organisation=org_b, role="organiser")
    users["vol_a"] = User.objects.create_user("vol-a@example.org", password="x")
    vol_a_membership = Membership.objects.create(
        user=users["vol_a"], organisation=org_a, role="volunteer"
    )
    vol_a_membership.petitions.add(a)
    users["vol_b"] = User.objects.create_user("vol-b@example.org", password="x")
    stray = Membership.objects.create(user=users["vol_b"], organisation=org_b, role="volunteer")
    stray.petitions.add(b, a)  # A's petition: a grant across organisations, ignored
    users["super"] = User.objects.create_superuser("root@example.org", password="x")

    # Paper: three sheets, the first back with a tally and row 1 typed by A's volunteer.
    sheets = issue_sheets(a, 3, "Holt market stall", users["org_a"])
    log_return(a, sheets[0].serial, 3)
    typed = Client()
    typed.force_login(users["vol_a"])
    response = typed.post(
        f"/organise/petitions/{a.number}/paper/sheets/{sheets[0].serial}/rows/1",
        {"r1-name": "Row One", "r1-address": "1 Church Street, Holt", "r1-postcode": "NR25 6BW"},
    )
    assert response.status_code == 303, response.content
    data = png()
    scan = Scan(
        petition=a,
        sha256=hashlib.sha256(data).hexdigest(),
        status=Scan.Status.UNIDENTIFIED,
        uploaded_by=users["org_a"],
    )
    scan.image.save("scan.png", ContentFile(data), save=False)
    scan.save()
    # A page filed with the typed sheet, its rows read.
    filed_scan = Scan(
        petition=a,
        sheet=sheets[0],
        sha256=hashlib.sha256(data + b"filed").hexdigest(),
        uploaded_by=users["org_a"],
        rows=[
            {"row": n, "state": "blank", "confidence": 1.0, "ink": 0.0, "box": [0, 0, 40, 4],
             "quad": [[0, 0], [40, 0], [40, 4], [0, 4]]}
            for n in range(1, 11)
        ],
    )  # fmt: skip
    filed_scan.image.save("filed.png", ContentFile(data), save=False)
    filed_scan.save()

    # The signer: an online signature waiting for confirmation, and a rights request.
    signature = Signature.objects.create(
        petition=a,
        name="Siân Evans",
        email=SIGNER_EMAIL,
        email_canonical=SIGNER_EMAIL,
        address="12 Market Place, Holt",
        postcode="NR25 6BW",
        eligible=True,
        notice=a.current_notice,
    )
    rights = RightsRequest.objects.create(
        email=SIGNER_EMAIL,
        email_digest=email_digest(SIGNER_EMAIL),
        due_at=timezone.now() + timezone.timedelta(days=30),
    )
    rights.organisations.add(org_a)
    # A request by name and postcode, for A's organisers to check: row 1's signer.
    paper_request = RightsRequest.objects.create(
        kind=RightsRequest.Kind.PAPER,
        email_digest="0" * 64,
        name="Row One",
        postcode="NR25 6BW",
        wants=RightsRequest.Wants.ERASE,
        status=RightsRequest.Status.CHECKING,
    )
    paper_request.organisations.add(org_a)
    email = queue_email("confirm_signature", SIGNER_EMAIL, signature=signature, petition=a)

    held = Signature.objects.create(
        petition=a,
        name="Held Person",
        email="held@example.org",
        email_canonical="held@example.org",
        status=Signature.Status.VERIFIED,
        flagged="honeypot",
        notice=a.current_notice,
    )
    settle(Signature.objects.filter(pk=held.pk))
    rule = invalidate(
        a, Invalidation.Rule.DOMAIN, "spam.example", None, None, reason="Matrix rule",
        user=users["org_a"],
    )  # fmt: skip
    campaign = Campaign.objects.create(
        petition=a, created_by=users["org_a"], subject="News", body="Hello"
    )
    submission = request_pack(a, users["org_a"])
    assert submission.status == "ready", submission.error
    Outcome.objects.create(petition=a, submitted_on=timezone.localdate())
    record(users["org_a"], Action.VIEW, "the matrix's event", petition=a)
    invitation = invite(org_a, "invited@example.org", "volunteer", users["org_a"])
    device = TOTPDevice.objects.create(user=users["org_a"], name="Phone", confirmed=False)
    group = Group.objects.create(name="Matrix group")

    def first(model: type[Model], **kw):
        return model._default_manager.filter(**kw).order_by("pk").first()

    admin_objects = {
        "petitions.organisation": org_a,
        "petitions.target": a.target,
        "petitions.papercolumns": first(PaperColumns, petition=a),
        "petitions.petition": a,
        "petitions.privacynotice": a.current_notice,
        "petitions.sheet": first(Sheet, petition=a),
        "paper.scan": scan,
        "submissions.submission": first(Submission, petition=a),
        "submissions.outcome": first(Outcome, petition=a),
        "audit.auditevent": first(AuditEvent, petition=a),
        "auth.user": users["org_a"],
        "auth.group": group,
        "otp_totp.totpdevice": device,
    }
    world = World(petition_a=a, petition_b=b, users=users, admin_objects=admin_objects)
    world.values = {
        "number": a.number,
        "first": sheets[0].sequence,
        "last": sheets[-1].sequence,
        "serial": sheets[0].serial,
        "sheet2": sheets[1].serial,
        "row": 1,
        "kind": "csv",
        "scan": scan.pk,
        "paper_request": paper_request.pk,
        "filed_scan": filed_scan.pk,
        "campaign": campaign.pk,
        "target": a.target.pk,
        "submission": submission.pk,
        "email": email.pk,
        "invalidation": rule.pk,
        "held": held.pk,
        "organisation": org_a.pk,
        "vol_a_membership": vol_a_membership.pk,
        "invitation": invitation.pk,
        "webhook": Webhook.objects.create(organisation=org_a, url="https://a.example.org/").pk,
        "app_label": "petitions",
        "url": "no-such-page/",
    }
    world.tokens = {
        "confirm": confirm_token(signature),
        "unsubscribe": unsubscribe_token(signature.pk),
        "rights": rights_token(rights.pk),
        "invitation": invitation_token(invitation.pk),
    }
    world.markers_of_a = [
        a.title,
        org_a.name,
        # Not A's target's name: the presets offered to everyone include it.
        sheets[0].serial,
        "org-a@example.org",
        "vol-a@example.org",
        SIGNER_EMAIL,
    ]
    return world
