from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from signme.lib.language import STAFF_PATHS, chosen_language
from signme.petitions.team import remember_language

from . import views

# Pages an unverified superuser may still reach: signing in, setting up the
# app, signing out.
OPEN_VIEWS = {views.login, views.login_code, views.two_factor}


class SecondFactorMiddleware:
    """With REQUIRE_2FA_FOR_SUPERUSERS, a superuser reaches nothing (the admin
    included) until this session was signed in with a code: one without an
    authenticator app is sent to set one up, one with an app to sign in with it.
    Runs after django-otp's middleware, which marks verified sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Without a session cookie nobody is signed in; checking first also
        # keeps public pages from touching the session (and varying on Cookie).
        if (
            not settings.REQUIRE_2FA_FOR_SUPERUSERS
            or settings.SESSION_COOKIE_NAME not in request.COOKIES
            or view_func in OPEN_VIEWS
            or getattr(view_func, "view_class", None) is LogoutView
        ):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_superuser) or user.is_verified():
            return None
        where = "login" if user_has_device(user) else "two_factor"
        return redirect(f"{reverse(where)}?{urlencode({'next': request.get_full_path()})}")


class RememberLanguageMiddleware:
    """A signed-in member who chooses a language on a staff page (?lang=)
    reads SignMe in it: the emails SignMe sends them on its own follow.
    After AuthenticationMiddleware; one UPDATE, and only when they choose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: a public page (the signing POST among them) pays
        # one string comparison.
        if request.path.startswith(STAFF_PATHS) and (chosen := chosen_language(request)):
            if request.user.is_authenticated:
                remember_language(request.user, chosen)
        return self.get_response(request)
