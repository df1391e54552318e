from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from signme.mailing import views as mailing_views
from signme.petitions import staff, views

urlpatterns = [
    # The public contract: printed on paper and in emails, never changed.
    path("<int:number>", views.short_link, name="short_link"),
    path("petitions/<int:number>/", views.petition_page, name="petition"),
    path("petitions/<int:number>/sign", views.sign, name="sign"),
    path("petitions/<int:number>/signed", views.signed, name="signed"),
    path("petitions/<int:number>.json", views.petition_json, name="petition_json"),
    path("petitions/<int:number>/count.json", views.count_json, name="count_json"),
    path("petitions/<int:number>/qr.svg", views.qr, name="qr"),
    path("confirm/<str:token>", views.confirm, name="confirm"),
    # Staff.
    path("organise/", staff.dashboard, name="organise"),
    path("organise/petitions/<int:number>/", staff.petition_overview, name="organise_petition"),
    path("", include("signme.accounts.urls")),  # sign-in, also the admin's
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("signme.paper.urls")),
    path("", include("signme.people.urls")),
    path("", include("signme.submissions.urls")),
    path("admin/", admin.site.urls),
    # Demo only (404 otherwise).
    path("dev/outbox/", mailing_views.outbox, name="dev_outbox"),
    path("dev/outbox/<int:pk>/", mailing_views.outbox_message, name="dev_outbox_message"),
    path("", views.home, name="home"),
]
