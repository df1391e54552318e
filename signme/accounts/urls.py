from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    # The admin's own sign-in page goes through the same throttle and code step.
    path("admin/login/", views.login, {"default_next": "admin:index"}),
    # The admin's "View on site" link, answered only for an object the user
    # may see in the admin (the admin's own redirects for any staff member).
    path(
        "admin/r/<int:content_type_id>/<str:object_id>/",
        views.view_on_site,
        name="admin_view_on_site",
    ),
]
