from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    # The admin's own sign-in page goes through the same throttle and code step.
    path("admin/login/", views.login, {"default_next": "admin:index"}),
]
