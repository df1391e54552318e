from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from signme.mailing import views as demo_outbox
from signme.web import areas, openapi, organise, public, team, webhooks

urlpatterns = [
    # The public contract: printed on paper and in emails, never changed.
    path("<int:number>", public.short_link, name="short_link"),
    path("petitions/<int:number>/", public.petition_page, name="petition"),
    path("petitions/<int:number>/sign", public.sign, name="sign"),
    path("petitions/<int:number>/signed", public.signed, name="signed"),
    path("petitions/<int:number>.json", public.petition_json, name="petition_json"),
    path("petitions/<int:number>/count.json", public.count_json, name="count_json"),
    path("petitions/<int:number>/qr.svg", public.qr, name="qr"),
    path("petitions/<int:number>/share.png", public.share_image, name="share_image"),
    path("petitions/<int:number>/widget", public.widget, name="widget"),
    path("petitions/<int:number>/badge.svg", public.badge, name="badge"),
    path(
        "petitions/<int:number>/e-petitions.json", areas.e_petitions_json, name="e_petitions_json"
    ),
    path("petitions/<int:number>/areas.svg", areas.area_chart, name="area_chart"),
    path("api/openapi.json", openapi.openapi_json, name="openapi"),
    path("confirm/<str:token>", public.confirm, name="confirm"),
    # Staff.
    path("organise/", organise.dashboard, name="organise"),
    path("organise/petitions/<int:number>/", organise.petition_overview, name="organise_petition"),
    path("organise/petitions/new", organise.petition_new, name="organise_petition_new"),
    path(
        "organise/petitions/<int:number>/edit",
        organise.petition_edit,
        name="organise_petition_edit",
    ),
    path(
        "organise/petitions/<int:number>/open",
        organise.petition_open,
        name="organise_petition_open",
    ),
    path(
        "organise/petitions/<int:number>/close",
        organise.petition_close,
        name="organise_petition_close",
    ),
    path("organise/team/<int:organisation>/", team.team_page, name="team"),
    path("organise/team/<int:organisation>/invite", team.team_invite, name="team_invite"),
    path(
        "organise/team/<int:organisation>/members/<int:pk>/",
        team.team_member_page,
        name="team_member",
    ),
    path(
        "organise/team/<int:organisation>/members/<int:pk>/remove",
        team.team_remove,
        name="team_remove",
    ),
    path(
        "organise/team/<int:organisation>/invitations/<int:pk>/cancel",
        team.team_cancel,
        name="team_cancel",
    ),
    path("organise/team/<int:organisation>/webhooks", webhooks.webhooks_page, name="webhooks"),
    path(
        "organise/team/<int:organisation>/webhooks/<int:pk>/remove",
        webhooks.webhook_remove,
        name="webhook_remove",
    ),
    # The link in an invitation email.
    path("team/join/<str:token>", team.join, name="team_join"),
    path("organise/petitions/<int:number>/areas.csv", areas.areas_csv, name="areas_csv"),
    path("", include("signme.accounts.urls")),  # sign-in, also the admin's
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("signme.paper.urls")),
    path("", include("signme.people.urls")),
    path("", include("signme.moderation.urls")),
    path("", include("signme.updates.urls")),
    path("", include("signme.submissions.urls")),
    path("admin/", admin.site.urls),
    # Demo only (404 otherwise).
    path("dev/outbox/", demo_outbox.outbox, name="dev_outbox"),
    path("dev/outbox/<int:pk>/", demo_outbox.outbox_message, name="dev_outbox_message"),
    path("", public.home, name="home"),
]
