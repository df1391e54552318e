"""Who may reach every URL SignMe has, as one table.

The URLs come from the URLconf itself, so a new view without a row here fails
test_every_url_has_a_row_in_the_matrix ("no expectation for URL name X").
Every URL is filled with organisation A's objects (tests/permission_world.py):
A's staff may reach them; B's staff, the public and a signer must not.

Actors: outsider (anonymous); signer (anonymous, holding the links emailed
for their signature on A's petition, where everyone else holds the same links
with one character changed); vol_a and vol_b (volunteers, not admin staff;
vol_b was also given A's petition by mistake, which counts for nothing);
org_a and org_b (organisers with the admin permissions the demo gives);
super (a superuser; the second factor is off in tests).

A cell is the status the actor gets, or:
  login   sent to sign in: a staff page, or the admin, while not signed in to it
  index   sent to the admin's index: what the admin does with a row that
          does not exist, so B's organiser cannot tell A's rows exist at all
          (and with a sign-out from an admin one was never signed in to)
  *       after the status: the request wrote to the database. Every cell
          without one is checked to have changed nothing, in any table; a
          refused request (login, index, 403, 404, 405, 410) never writes.
Staff pages answer 404, never 403, to the wrong organisation. 403 is the
admin refusing a whole model to a staff account (accounts, devices, the audit
log without its permission, a read-only model's change).
"""

from fnmatch import fnmatchcase

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import transaction
from django.forms import ModelChoiceField
from django.test import Client, RequestFactory
from django.utils import timezone

from signme.petitions.access import petitions_visible_to
from signme.petitions.cache import forget_all
from signme.petitions.models import (
    Membership,
    Organisation,
    Petition,
    PrivacyNotice,
    Sheet,
    Target,
)
from signme.updates.campaigns import forget_rendered

from .permission_world import ACTORS, build_world, post_data, snapshot, walk_urls

# fmt: off
MATRIX = """
key                                            outsider signer vol_a  vol_b  org_a  org_b  super

# Public pages, the same for everyone (drafts: test_drafts_and_private_pages.py).
short_link                                GET  302      302    302    302    302    302    302
short_link                                POST 405      405    405    405    405    405    405
petition                                  GET  200      200    200    200    200    200    200
petition                                  POST 405      405    405    405    405    405    405
sign                                      GET  405      405    405    405    405    405    405
sign                                      POST 303*     303*   303*   303*   303*   303*   303*
signed                                    GET  200      200    200    200    200    200    200
signed                                    POST 405      405    405    405    405    405    405
petition_json                             GET  200      200    200    200    200    200    200
petition_json                             POST 405      405    405    405    405    405    405
count_json                                GET  200      200    200    200    200    200    200
count_json                                POST 405      405    405    405    405    405    405
qr                                        GET  200      200    200    200    200    200    200
qr                                        POST 405      405    405    405    405    405    405
share_image                               GET  200      200    200    200    200    200    200
share_image                               POST 405      405    405    405    405    405    405
widget                                    GET  200      200    200    200    200    200    200
widget                                    POST 405      405    405    405    405    405    405
badge                                     GET  200      200    200    200    200    200    200
badge                                     POST 405      405    405    405    405    405    405
e_petitions_json                          GET  200      200    200    200    200    200    200
e_petitions_json                          POST 405      405    405    405    405    405    405
area_chart                                GET  200      200    200    200    200    200    200
area_chart                                POST 405      405    405    405    405    405    405
openapi                                   GET  200      200    200    200    200    200    200
openapi                                   POST 405      405    405    405    405    405    405

# Links emailed to a signer: only the link itself opens them.
confirm                                   GET  404      200    404    404    404    404    404
confirm                                   POST 404      303*   404    404    404    404    404

# Staff pages: a volunteer reaches the paper work of the petitions given to them.
organise                                  GET  login    login  200    200    200    200    200
organise                                  POST login    login  405    405    405    405    405
organise_petition                         GET  login    login  200    404    200    404    200
organise_petition                         POST login    login  405    405    405    405    405
organise_petition_new                     GET  login    login  404    404    200    200    200
organise_petition_new                     POST login    login  404    404    303*   400    303*
organise_petition_edit                    GET  login    login  404    404    200    404    200
organise_petition_edit                    POST login    login  404    404    303*   404    303*
organise_petition_open                    GET  login    login  404    404    200    404    200
organise_petition_open                    POST login    login  404    404    303*   404    303*
organise_petition_close                   GET  login    login  405    405    405    405    405
organise_petition_close                   POST login    login  404    404    303*   404    303*

# The team: organisers of the organisation only; the invitation's link alone opens its page.
team                                      GET  login    login  404    404    200    404    200
team                                      POST login    login  405    405    405    405    405
team_invite                               GET  login    login  405    405    405    405    405
team_invite                               POST login    login  404    404    303*   404    303*
team_member                               GET  login    login  404    404    200    404    200
team_member                               POST login    login  404    404    303*   404    303*
team_remove                               GET  login    login  405    405    405    405    405
team_remove                               POST login    login  404    404    303*   404    303*
team_cancel                               GET  login    login  405    405    405    405    405
team_cancel                               POST login    login  404    404    303*   404    303*
webhooks                                  GET  login    login  404    404    200    404    200
webhooks                                  POST login    login  404    404    303*   404    303*
webhook_remove                            GET  login    login  405    405    405    405    405
webhook_remove                            POST login    login  404    404    303*   404    303*
team_join                                 GET  404      200    404    404    404    404    404
team_join                                 POST 404      400    404    404    404    404    404
areas_csv                                 GET  login    login  404    404    200    404    200
areas_csv                                 POST login    login  405    405    405    405    405

# Signing in and out.
login                                     any  200      200    200    200    200    200    200
login_code                                any  login    login  login  login  login  login  login
two_factor                                any  login    login  200    200    200    200    200
admin/login/                              any  200      200    200    200    200    200    200
logout                                    GET  405      405    405    405    405    405    405
logout                                    POST 302      302    302    302    302    302    302

# Paper.
sheet_pdf                                 GET  200      200    200    200    200    200    200
sheet_pdf                                 POST 405      405    405    405    405    405    405
paper_home                                GET  login    login  200    404    200    404    200
paper_home                                POST login    login  405    405    405    405    405
paper_issue                               GET  login    login  405    405    405    405    405
paper_issue                               POST login    login  404    404    303*   404    303*
paper_batch                               GET  login    login  404    404    200    404    200
paper_batch                               POST login    login  405    405    405    405    405
paper_returns                             GET  login    login  200    404    200    404    200
paper_returns                             POST login    login  303*   404    303*   404    303*
paper_read_photo                          GET  login    login  405    405    405    405    405
paper_read_photo                          POST login    login  400    404    400    404    400
paper_transcribe                          GET  login    login  200    404    200    404    200
paper_transcribe                          POST login    login  405    405    405    405    405
paper_save_row                            GET  login    login  405    405    405    405    405
paper_save_row                            POST login    login  303*   404    303*   404    303*
paper_undo_row                            GET  login    login  405    405    405    405    405
paper_undo_row                            POST login    login  303*   404    303*   404    303*
paper_complete                            GET  login    login  405    405    405    405    405
paper_complete                            POST login    login  303*   404    303*   404    303*
paper_scans                               GET  login    login  404    404    200    404    200
paper_scans                               POST login    login  404    404    400    404    400
paper_scan_image                          GET  login    login  404    404    200*   404    200*
paper_scan_image                          POST login    login  405    405    405    405    405
paper_assign_scan                         GET  login    login  405    405    405    405    405
paper_assign_scan                         POST login    login  404    404    303*   404    303*
paper_fix_tally                           GET  login    login  405    405    405    405    405
paper_fix_tally                           POST login    login  303*   404    303*   404    303*
paper_find_sheet                          GET  login    login  400    404    400    404    400
paper_find_sheet                          POST login    login  405    405    405    405    405
paper_reopen                              GET  login    login  405    405    405    405    405
paper_reopen                              POST login    login  404    404    400    404    400
paper_scan                                GET  login    login  404    404    200    404    200
paper_scan                                POST login    login  405    405    405    405    405
paper_scan_row                            GET  login    login  200    404    200    404    200
paper_scan_row                            POST login    login  405    405    405    405    405

# A signer's rights: the public form, then the emailed link.
unsubscribe                               GET  404      200    404    404    404    404    404
unsubscribe                               POST 404      200*   404    404    404    404    404
your_data                                 GET  200      200    200    200    200    200    200
your_data                                 POST 303*     303*   303*   303*   303*   303*   303*
your_data_sent                            GET  200      200    200    200    200    200    200
your_data_sent                            POST 405      405    405    405    405    405    405
your_data_paper                           GET  405      405    405    405    405    405    405
your_data_paper                           POST 303*     303*   303*   303*   303*   303*   303*
your_data_paper_sent                      GET  200      200    200    200    200    200    200
your_data_paper_sent                      POST 405      405    405    405    405    405    405
your_data_erased                          GET  200      200    200    200    200    200    200
your_data_erased                          POST 405      405    405    405    405    405    405
your_data_request                         GET  404      200*   404    404    404    404    404
your_data_request                         POST 405      405    405    405    405    405    405
your_data_download                        GET  404      200*   404    404    404    404    404
your_data_download                        POST 405      405    405    405    405    405    405
your_data_stop                            GET  405      405    405    405    405    405    405
your_data_stop                            POST 404      303*   404    404    404    404    404
your_data_stop_processing                 GET  405      405    405    405    405    405    405
your_data_stop_processing                 POST 404      303*   404    404    404    404    404
your_data_erase                           GET  405      405    405    405    405    405    405
your_data_erase                           POST 404      303*   404    404    404    404    404

# Organisers' pages.
signed_withdrawal                         GET  login    login  405    405    405    405    405
signed_withdrawal                         POST login    login  404    404    400    400    400
invalidate                                GET  login    login  404    404    200    404    200
invalidate                                POST login    login  404    404    400    404    400
invalidation_undo                         GET  login    login  405    405    405    405    405
invalidation_undo                         POST login    login  404    404    303*   404    303*
trending                                  GET  login    login  404    404    200    404    200
trending                                  POST login    login  405    405    405    405    405
review                                    GET  login    login  404    404    200    404    200
review                                    POST login    login  405    405    405    405    405
review_count                              GET  login    login  405    405    405    405    405
review_count                              POST login    login  404    404    303*   404    303*
review_invalidate                         GET  login    login  405    405    405    405    405
review_invalidate                         POST login    login  404    404    303*   404    303*
rights_requests                           GET  login    login  404    404    200    200    200
rights_requests                           POST login    login  405    405    405    405    405
letter_request                            GET  login    login  405    405    405    405    405
letter_request                            POST login    login  404    404    400    400    400
check_request                             GET  login    login  404    404    200*   404    200*
check_request                             POST login    login  404    404    400*   404    400*
request_data                              GET  login    login  404    404    200*   404    200*
request_data                              POST login    login  405    405    405    405    405
audit_log                                 GET  login    login  404    404    200    200    200
audit_log                                 POST login    login  405    405    405    405    405
campaigns                                 GET  login    login  404    404    200    404    200
campaigns                                 POST login    login  405    405    405    405    405
campaign_new                              GET  login    login  404    404    200    404    200
campaign_new                              POST login    login  404    404    303*   404    303*
campaign                                  GET  login    login  404    404    200    404    200
campaign                                  POST login    login  405    405    405    405    405
campaign_edit                             GET  login    login  404    404    200    404    200
campaign_edit                             POST login    login  404    404    303*   404    303*
campaign_test                             GET  login    login  405    405    405    405    405
campaign_test                             POST login    login  404    404    303*   404    303*
campaign_send                             GET  login    login  405    405    405    405    405
campaign_send                             POST login    login  404    404    303*   404    303*
organise_targets                          GET  login    login  404    404    200    200    200
organise_targets                          POST login    login  405    405    405    405    405
organise_target                           GET  login    login  404    404    200    404    200
organise_target                           POST login    login  404    404    400    404    400
organise_target_preset                    GET  login    login  405    405    405    405    405
organise_target_preset                    POST login    login  404    404    303*   404    303*
organise_target_copy                      GET  login    login  405    405    405    405    405
organise_target_copy                      POST login    login  404    404    303    404    303
organise_paper_columns                    GET  login    login  404    404    200    404    200
organise_paper_columns                    POST login    login  404    404    303*   404    303*
organise_make_submission                  GET  login    login  405    405    405    405    405
organise_make_submission                  POST login    login  404    404    303*   404    303*
organise_submission_file                  GET  login    login  404    404    200*   404    200*
organise_submission_file                  POST login    login  405    405    405    405    405
organise_outcome                          GET  login    login  404    404    200    404    200
organise_outcome                          POST login    login  404    404    303*   404    303*
organise_tell_outcome                     GET  login    login  405    405    405    405    405
organise_tell_outcome                     POST login    login  404    404    303*   404    303*

# The admin: staff accounts only; B's organiser never finds A's rows.
admin:index                               any  login    login  login  login  200    200    200
admin:login                               any  200      200    200    200    200    200    200
admin:logout                              GET  index    index  index  index  405    405    405
admin:logout                              POST index    index  index  index  302    302    302
admin:password_change                     any  login    login  login  login  200    200    200
admin:password_change_done                GET  login    login  login  login  200    200    200
admin:password_change_done                POST login    login  login  login  405    405    405
admin:autocomplete                        GET  login    login  login  login  403    403    403
admin:autocomplete                        POST login    login  login  login  405    405    405
admin:jsi18n                              GET  login    login  login  login  200    200    200
admin:jsi18n                              POST login    login  login  login  405    405    405
# Django's "view on site": to a petition's public page, whoever's it is (see docs/security.md).
admin:view_on_site                        any  login    login  login  login  302    404    302
admin_view_on_site                        any  login    login  login  login  302    404    302

# Accounts, groups, authenticator devices: superusers only (accounts/admin.py).
admin:auth_user_password_change           any  login    login  login  login  403    403    200
admin:auth_user_changelist                GET  login    login  login  login  403    403    200
admin:auth_user_changelist                POST login    login  login  login  403    403    302*
admin:auth_user_add                       any  login    login  login  login  403    403    200
admin:auth_user_history                   any  login    login  login  login  403    403    200
admin:auth_user_delete                    GET  login    login  login  login  403    403    200
admin:auth_user_delete                    POST login    login  login  login  403    403    302*
admin:auth_user_change                    any  login    login  login  login  403    403    200
admin:auth_group_changelist               GET  login    login  login  login  403    403    200
admin:auth_group_changelist               POST login    login  login  login  403    403    302*
admin:auth_group_add                      GET  login    login  login  login  403    403    200
admin:auth_group_add                      POST login    login  login  login  403    403    302*
admin:auth_group_history                  any  login    login  login  login  403    403    200
admin:auth_group_delete                   GET  login    login  login  login  403    403    200
admin:auth_group_delete                   POST login    login  login  login  403    403    302*
admin:auth_group_change                   GET  login    login  login  login  403    403    200
admin:auth_group_change                   POST login    login  login  login  403    403    302*
admin:otp_totp_totpdevice_config          any  login    login  login  login  403    403    403
admin:otp_totp_totpdevice_qrcode          any  login    login  login  login  403    403    403
admin:otp_totp_totpdevice_changelist      GET  login    login  login  login  403    403    200
admin:otp_totp_totpdevice_changelist      POST login    login  login  login  403    403    302*
admin:otp_totp_totpdevice_add             any  login    login  login  login  403    403    200
admin:otp_totp_totpdevice_history         any  login    login  login  login  403    403    200
admin:otp_totp_totpdevice_delete          GET  login    login  login  login  403    403    200
admin:otp_totp_totpdevice_delete          POST login    login  login  login  403    403    302*
admin:otp_totp_totpdevice_change          any  login    login  login  login  403    403    200

# The organisers' own rows, scoped by access.py.
admin:petitions_organisation_changelist   GET  login    login  login  login  200    200    200
admin:petitions_organisation_changelist   POST login    login  login  login  200    302    200
admin:petitions_organisation_add          any  login    login  login  login  200    200    200
admin:petitions_organisation_history      any  login    login  login  login  200    index  200
admin:petitions_organisation_delete       any  login    login  login  login  200    index  200
admin:petitions_organisation_change       any  login    login  login  login  200    index  200
admin:petitions_target_changelist         GET  login    login  login  login  200    200    200
admin:petitions_target_changelist         POST login    login  login  login  200    302    200
admin:petitions_target_add                any  login    login  login  login  200    200    200
admin:petitions_target_history            any  login    login  login  login  200    index  200
admin:petitions_target_delete             any  login    login  login  login  200    index  200
admin:petitions_target_change             any  login    login  login  login  200    index  200
admin:petitions_papercolumns_changelist   GET  login    login  login  login  200    200    200
admin:petitions_papercolumns_changelist   POST login    login  login  login  302*   302    302*
admin:petitions_papercolumns_add          any  login    login  login  login  200    200    200
admin:petitions_papercolumns_history      any  login    login  login  login  200    index  200
admin:petitions_papercolumns_delete       GET  login    login  login  login  200    index  200
admin:petitions_papercolumns_delete       POST login    login  login  login  302*   index  302*
admin:petitions_papercolumns_change       any  login    login  login  login  200    index  200
admin:petitions_petition_changelist       GET  login    login  login  login  200    200    200
admin:petitions_petition_changelist       POST login    login  login  login  200    302    200
admin:petitions_petition_add              any  login    login  login  login  200    200    200
admin:petitions_petition_history          any  login    login  login  login  200    index  200
admin:petitions_petition_delete           any  login    login  login  login  200    index  200
admin:petitions_petition_change           any  login    login  login  login  200    index  200
admin:petitions_privacynotice_changelist  GET  login    login  login  login  200    200    200
admin:petitions_privacynotice_changelist  POST login    login  login  login  200    302    200
admin:petitions_privacynotice_add         any  login    login  login  login  403    403    403
admin:petitions_privacynotice_history     any  login    login  login  login  200    index  200
admin:petitions_privacynotice_delete      any  login    login  login  login  200    index  200
admin:petitions_privacynotice_change      GET  login    login  login  login  200    index  200
admin:petitions_privacynotice_change      POST login    login  login  login  403    403    403
admin:submissions_submission_changelist   any  login    login  login  login  200    200    200
admin:submissions_submission_add          any  login    login  login  login  403    403    403
admin:submissions_submission_history      any  login    login  login  login  200    index  200
admin:submissions_submission_delete       any  login    login  login  login  403    403    403
admin:submissions_submission_change       GET  login    login  login  login  200    index  200
admin:submissions_submission_change       POST login    login  login  login  403    403    403
admin:submissions_outcome_changelist      GET  login    login  login  login  200    200    200
admin:submissions_outcome_changelist      POST login    login  login  login  302*   302    302*
admin:submissions_outcome_add             any  login    login  login  login  200    200    200
admin:submissions_outcome_history         any  login    login  login  login  200    index  200
admin:submissions_outcome_delete          GET  login    login  login  login  200    index  200
admin:submissions_outcome_delete          POST login    login  login  login  302*   index  302*
admin:submissions_outcome_change          any  login    login  login  login  200    index  200
admin:petitions_sheet_changelist          any  login    login  login  login  200    200    200
admin:petitions_sheet_add                 any  login    login  login  login  403    403    403
admin:petitions_sheet_history             any  login    login  login  login  200    index  200
admin:petitions_sheet_delete              any  login    login  login  login  403    403    403
admin:petitions_sheet_change              GET  login    login  login  login  200    index  200
admin:petitions_sheet_change              POST login    login  login  login  302*   index  302*
admin:paper_scan_changelist               any  login    login  login  login  200    200    200
admin:paper_scan_add                      any  login    login  login  login  403    403    403
admin:paper_scan_history                  any  login    login  login  login  200    index  200
admin:paper_scan_delete                   any  login    login  login  login  403    403    403
admin:paper_scan_change                   GET  login    login  login  login  200    index  200
admin:paper_scan_change                   POST login    login  login  login  403    403    403
admin:audit_auditevent_changelist         any  login    login  login  login  403    403    200
admin:audit_auditevent_add                any  login    login  login  login  403    403    403
admin:audit_auditevent_history            any  login    login  login  login  403    index  200
admin:audit_auditevent_delete             any  login    login  login  login  403    403    403
admin:audit_auditevent_change             GET  login    login  login  login  403    403    200
admin:audit_auditevent_change             POST login    login  login  login  403    403    403

# Every model's /admin/<app>/<model>/<id>/ redirects to its change page above.
admin/*/<path:object_id>/                 any  login    login  login  login  302    302    302
admin:app_list                            any  login    login  login  login  200    200    200
admin/(?P<url>.*)$                        any  login    login  login  login  404    404    404

# The demo outbox exists only in demo mode.
dev_outbox                                GET  404      404    404    404    404    404    404
dev_outbox                                POST 405      405    405    405    405    405    405
dev_outbox_message                        GET  404      404    404    404    404    404    404
dev_outbox_message                        POST 405      405    405    405    405    405    405

# The list of open petitions.
home                                      GET  200      200    200    200    200    200    200
home                                      POST 405      405    405    405    405    405    405
"""
# fmt: on

REFUSED = {"login", "index", "403", "404", "405", "410"}


def parse(table: str) -> dict:
    """{key: {method: {actor: cell}}}; a row's method is GET, POST or any."""
    expected = {}
    for line in table.strip().splitlines()[1:]:
        if not line.strip() or line.startswith("#"):
            continue
        key, method, *cells = line.split()
        assert len(cells) == len(ACTORS), f"{key} {method}: {len(cells)} cells"
        for m in ("GET", "POST") if method == "any" else (method,):
            assert m not in expected.get(key, {}), f"{key} {m} twice"
            expected.setdefault(key, {})[m] = dict(zip(ACTORS, cells, strict=True))
    return expected


EXPECTED = parse(MATRIX)


def rule_for(key: str) -> str | None:
    """The row for this URL: its own, or a pattern like admin/*/<path:object_id>/."""
    if key in EXPECTED:
        return key
    return next((rule for rule in EXPECTED if "*" in rule and fnmatchcase(key, rule)), None)


def describe(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith(("/accounts/login/", "/admin/login/")):
            return "login"
        if location == "/admin/":
            return "index"
    return str(response.status_code)


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


def test_every_url_has_a_row_in_the_matrix():
    keys = [key for key, _ in walk_urls()]
    missing = [key for key in keys if rule_for(key) is None]
    assert not missing, "no expectation for URL name " + ", ".join(missing)
    used = {rule_for(key) for key in keys}
    assert not set(EXPECTED) - used, f"rows for URLs that are gone: {set(EXPECTED) - used}"
    for key, rows in EXPECTED.items():
        assert set(rows) == {"GET", "POST"}, f"{key} needs a GET and a POST expectation"
        for cells in rows.values():
            assert not {f"{c}*" for c in REFUSED} & set(cells.values()), (
                f"{key} refuses and writes"
            )


def test_the_matrix_keeps_the_rules_for_staff_pages():
    # The rows themselves must say what the security issue promised.
    for key, route in walk_urls():
        rows = EXPECTED[rule_for(key)]
        for cells in rows.values():
            if route.startswith("organise/"):
                assert cells["outsider"] == cells["signer"] == "login", key
                assert "403" not in cells.values(), f"{key}: staff pages answer 404, not 403"
                assert cells["vol_b"] in ("200", "404", "405"), key
            if route.startswith("admin/") and key not in ADMIN_SIGN_IN_AND_OUT:
                assert cells["outsider"] == cells["signer"] == "login", key
                assert cells["vol_a"] == cells["vol_b"] == "login", f"{key}: not admin staff"
            assert not cells["org_b"].endswith("*") or key in WRITES_FOR_ANYONE, (
                f"{key}: B's organiser changed something of A's"
            )


# Reachable signed out; and what anyone may write (a signature, a rights request).
ADMIN_SIGN_IN_AND_OUT = {"admin:login", "admin/login/", "admin:logout"}
WRITES_FOR_ANYONE = {"sign", "your_data", "your_data_paper"}


def _request(client, world, key, route, actor, method):
    url = world.url(key, route, actor)
    if method == "GET":
        return url, client.get(url)
    return url, client.post(url, post_data(key, world), HTTP_SEC_FETCH_SITE="same-origin")


def _shows_a(world, response) -> list:
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    html = response.content.decode()
    return [marker for marker in world.markers_of_a if marker in html]


def _same_request_as_the_outsider(actor: str, route: str) -> bool:
    """The signer is the outsider but for the emailed links: anywhere else
    both send the same anonymous request (what one request wrote is rolled
    back before the next, sessions included), so the answer is the outsider's,
    which that actor's run fetches and checks."""
    return actor == "signer" and "token" not in route


@pytest.mark.parametrize("actor", ACTORS)
def test_every_url_answers_each_actor_as_the_matrix_says(world, actor):
    wrong = []
    before = None
    for key, route in walk_urls():
        rows = EXPECTED.get(rule_for(key), {})
        for method in ("GET", "POST"):
            expected = rows.get(method, {}).get(actor, "no row")
            if _same_request_as_the_outsider(actor, route):
                outsiders = rows.get(method, {}).get("outsider", "no row")
                if expected != outsiders:
                    url = world.url(key, route, actor)
                    wrong.append(
                        f"{method} {url} ({key}): expected {expected}, but this is the "
                        f"outsider's request, which gets {outsiders}"
                    )
                continue
            client = world.client(actor)  # signed in outside the rollback below
            if before is None or world.signed_in_again:
                # Only signing in changes the world between requests (last_login).
                before = snapshot()
            with transaction.atomic():
                url, response = _request(client, world, key, route, actor, method)
                got = describe(response) + ("*" if snapshot() != before else "")
                if got != expected:
                    wrong.append(f"{method} {url} ({key}): expected {expected}, got {got}")
                if actor in ("vol_b", "org_b") and url.startswith(("/organise/", "/admin/")):
                    if leaked := _shows_a(world, response):
                        wrong.append(f"{method} {url} ({key}) shows A's {leaked}")
                if response.streaming:  # a file: read to the end, which closes it
                    b"".join(response.streaming_content)
                # Each request starts from the same world, whatever the last one did.
                transaction.set_rollback(True)
            cache.clear()
            forget_all()
            forget_rendered()
    assert not wrong, f"{actor}:\n" + "\n".join(wrong)


# --- The admin's forms ----------------------------------------------------------


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin_forms(model_admin, request, obj):
    """The form of an admin page and the forms of its inlines, as rendered."""
    yield model_admin.get_form(request, obj)(instance=obj)
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)(instance=obj or model_admin.model())
        yield from formset.forms
        yield formset.empty_form


def test_no_admin_form_offers_organiser_b_a_row_of_organisation_a(world):
    b = world.petition_b
    org_b, vol_b = world.users["org_b"], world.users["vol_b"]
    may_pick = {
        Organisation: {b.organisation},
        Petition: {b},
        # B's target, and one nobody petitions yet: never A's.
        Target: {b.target, Target.objects.get(name="Unpetitioned Parish Council")},
        PrivacyNotice: set(b.notices.all()),
        Sheet: set(b.sheets.all()),
        get_user_model(): {org_b, vol_b},
    }
    own_rows = {
        Organisation: b.organisation,
        Petition: b,
        Target: b.target,
        PrivacyNotice: b.current_notice,
        type(b.paper_columns): b.paper_columns,
    }
    request = RequestFactory().get("/admin/")
    request.user = org_b
    offered = {}
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request):
            continue  # every page of it answers 403 (see the matrix)
        for obj in {None, own_rows.get(model)}:
            for form in admin_forms(model_admin, request, obj):
                for name, field in form.fields.items():
                    if name == form._meta.model._meta.pk.name:
                        continue  # an inline row's own id, hidden: Django checks it
                    if isinstance(field, ModelChoiceField):
                        choices = set(field.queryset)
                        where = f"{model.__name__} {'change' if obj else 'add'} form, {name}"
                        assert choices <= may_pick.get(field.queryset.model, set()), where
                        offered.setdefault(field.queryset.model, set()).update(choices)
    # The forms still work: each offers what B's organiser may pick.
    assert offered[Petition] == {b} and offered[Organisation] == {b.organisation}
    assert offered[Target] == may_pick[Target]
    assert offered[get_user_model()] == {org_b, vol_b}


def admin_form_data(obj, **changes) -> dict:
    """What the admin's change form posts for `obj`, as it stands, with changes."""
    data = {}
    for f in type(obj)._meta.fields:
        if not f.editable or f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if f.get_internal_type() == "DateTimeField":
            local = timezone.localtime(value) if value else None
            data[f"{f.name}_0"] = local.strftime("%Y-%m-%d") if local else ""
            data[f"{f.name}_1"] = local.strftime("%H:%M:%S") if local else ""
        elif f.get_internal_type() == "BooleanField":
            if value:
                data[f.name] = "on"
        else:
            data[f.name] = "" if value is None else value
    return data | changes


def petition_form_data(petition, **changes) -> dict:
    notice = petition.current_notice
    return admin_form_data(
        petition, notice_text=notice.text, notice_policy_url=notice.policy_url, **changes
    )


def test_organisers_still_edit_their_own_petitions_in_the_admin(world):
    a = world.petition_a
    url = f"/admin/petitions/petition/{a.pk}/change/"
    response = signed_in(world.users["org_a"]).post(
        url, petition_form_data(a, title="Save the centres")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    a.refresh_from_db()
    assert a.title == "Save the centres" and a.goal == 10000


@pytest.mark.parametrize("field", ["organisation", "target"])
def test_organiser_b_cannot_move_their_petition_to_organisation_or_target_of_a(world, field):
    a, b = world.petition_a, world.petition_b
    url = f"/admin/petitions/petition/{b.pk}/change/"
    client = signed_in(world.users["org_b"])
    before = snapshot()
    response = client.post(url, petition_form_data(b, **{field: getattr(a, f"{field}_id")}))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before
    # The same form with B's own rows saves: the refusal is A's row, not the form.
    assert client.post(url, petition_form_data(b, title="Mend it")).status_code == 302


def membership_form_data(organisation) -> dict:
    memberships = list(organisation.membership_set.order_by("pk"))
    data = admin_form_data(organisation) | {
        "membership_set-TOTAL_FORMS": len(memberships),
        "membership_set-INITIAL_FORMS": len(memberships),
        "membership_set-MIN_NUM_FORMS": 0,
        "membership_set-MAX_NUM_FORMS": 1000,
    }
    for i, m in enumerate(memberships):
        data |= {
            f"membership_set-{i}-id": m.pk,
            f"membership_set-{i}-organisation": organisation.pk,
            f"membership_set-{i}-user": m.user_id,
            f"membership_set-{i}-role": m.role,
            f"membership_set-{i}-petitions": [p.pk for p in m.petitions.all()],
        }
    return data


def test_organiser_b_cannot_give_their_volunteer_a_petition_of_a(world):
    a, b = world.petition_a, world.petition_b
    vol_b = world.users["vol_b"]
    url = f"/admin/petitions/organisation/{b.organisation_id}/change/"
    client = signed_in(world.users["org_b"])
    before = snapshot()
    data = membership_form_data(b.organisation)
    data |= {
        key: [a.pk, b.pk]
        for key, value in data.items()
        if key.endswith("-petitions") and data[key.replace("petitions", "user")] == vol_b.pk
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert f"Select a valid choice. {a.pk} is not one of the available choices." in (
        response.content.decode()
    )
    assert snapshot() == before
    # Saved with B's petitions only, the stray grant of A's petition is gone.
    data |= {key: [b.pk] for key, value in data.items() if value == [a.pk, b.pk]}
    assert client.post(url, data).status_code == 302
    assert set(Membership.objects.get(user=vol_b).petitions.all()) == {b}


def test_organiser_b_cannot_make_someone_of_organisation_a_a_member(world):
    b = world.petition_b
    url = f"/admin/petitions/organisation/{b.organisation_id}/change/"
    data = membership_form_data(b.organisation)
    n = data["membership_set-TOTAL_FORMS"]
    data |= {
        "membership_set-TOTAL_FORMS": n + 1,
        f"membership_set-{n}-organisation": b.organisation_id,
        f"membership_set-{n}-user": world.users["org_a"].pk,
        f"membership_set-{n}-role": "volunteer",
    }
    client = signed_in(world.users["org_b"])
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert snapshot() == before


def test_accounts_and_devices_are_for_superusers_whatever_a_staff_account_may_do(world):
    org_b = world.users["org_b"]
    org_b.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["auth", "otp_totp"])
    )
    client = signed_in(org_b)
    org_a = world.users["org_a"]
    for url in [
        "/admin/auth/user/",
        f"/admin/auth/user/{org_a.pk}/change/",
        f"/admin/auth/user/{org_a.pk}/password/",
        "/admin/auth/group/",
        "/admin/otp_totp/totpdevice/",
    ]:
        assert client.get(url).status_code == 403, url
    index = client.get("/admin/").content.decode()
    assert "/admin/auth/" not in index and "/admin/otp_totp/" not in index
    assert "/admin/auth/user/" in signed_in(world.users["super"]).get("/admin/").content.decode()


def test_a_volunteer_given_another_organisations_petition_still_cannot_reach_it(world):
    vol_b = world.users["vol_b"]
    assert world.petition_a in Membership.objects.get(user=vol_b).petitions.all()
    assert list(petitions_visible_to(vol_b)) == [world.petition_b]
    client = signed_in(vol_b)
    assert client.get("/organise/petitions/1500/").status_code == 404
    assert client.get("/organise/petitions/1500/paper/").status_code == 404
    assert world.petition_a.title not in client.get("/organise/").content.decode()


def test_a_volunteer_is_offered_only_petitions_of_the_organisation_they_belong_to(world):
    # B's organiser also runs a third organisation: its petitions are theirs
    # to manage, but not to give to B's volunteers (access.py would ignore it).
    b, org_b = world.petition_b, world.users["org_b"]
    third = Organisation.objects.create(name="Holt Allotments", address="4 Lane, Holt")
    Membership.objects.create(user=org_b, organisation=third, role="organiser")
    Petition.objects.create(
        number=78, organisation=third, target=b.target, title="Allotments", statement="keep"
    )
    request = RequestFactory().get("/admin/")
    request.user = org_b
    model_admin = admin.site._registry[Organisation]
    forms = list(admin_forms(model_admin, request, b.organisation))[1:]
    assert forms and all(set(f.fields["petitions"].queryset) == {b} for f in forms)
    new = list(admin_forms(model_admin, request, None))[1:]
    assert all(not f.fields["petitions"].queryset.exists() for f in new)
