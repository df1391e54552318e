"""Staff sign-in (/accounts/login/ and the admin's), its code step, and the
page where staff turn on a second factor."""

import time
from base64 import b32encode, b64encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from signme.lib.http import private_no_store, see_other
from signme.lib.language import current_language
from signme.lib.qr import qr_svg
from signme.petitions.team import remember_language

from .forms import CodeForm
from .throttle import Attempt, attempt_succeeded, start_attempt

# Between a right password and the code, the session remembers who is signing
# in, for this long.
PENDING = "accounts_pending"
PENDING_MAX_AGE = 5 * 60


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(default)


def _too_many(request, template: str, context: dict, attempt: Attempt):
    context = {**context, "wait_minutes": attempt.wait_minutes}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(attempt.wait)
    return private_no_store(response)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request, default_next: str | None = None):
    """Password first; staff with an authenticator app then give a code."""
    next_url = _next_url(request, default_next or settings.LOGIN_REDIRECT_URL)
    form = AuthenticationForm(request, data=request.POST or None)
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        username = request.POST.get("username", "")
        attempt = start_attempt(request, username)
        if attempt.wait:
            context["form"] = AuthenticationForm(request, initial={"username": username[:150]})
            return _too_many(request, "accounts/login.html", context, attempt)
        if form.is_valid():
            attempt_succeeded(attempt)
            user = form.get_user()
            if confirmed_device(user) is None:
                auth_login(request, user)
                remember_language(user, current_language())
                return redirect(next_url)
            request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": next_url,
                "since": time.time(),
            }
            return see_other(reverse("login_code"))
    return private_no_store(render(request, "accounts/login.html", context))


def _pending_user(request) -> tuple:
    """The user who gave the right password a moment ago, and where they were going."""
    pending = request.session.get(PENDING) or {}
    if time.time() - pending.get("since", 0) > PENDING_MAX_AGE:
        return None, {}
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(pk=pending.get("user")).first()
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    user, pending = _pending_user(request)
    device = confirmed_device(user) if user else None
    if device is None:
        if request.session.pop(PENDING, None):
            messages.info(
                request, gettext("Your sign-in timed out. Enter your email and password again.")
            )
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        # Counted with wrong passwords: five wrong codes lock the account too.
        attempt = start_attempt(request, user.get_username())
        if attempt.wait:
            return _too_many(request, "accounts/login_code.html", {"form": CodeForm()}, attempt)
        if form.is_valid():
            verified = verify_token(user, device.persistent_id, form.cleaned_data["code"])
            if verified:
                attempt_succeeded(attempt)
                del request.session[PENDING]
                auth_login(request, user, backend=pending["backend"])
                otp_login(request, verified)
                remember_language(user, current_language())
                return redirect(pending["next"])
            form.add_error(
                "code", gettext("That code is not right. Enter the code your app shows now.")
            )
    status = 400 if form.errors else 200
    return private_no_store(
        render(request, "accounts/login_code.html", {"form": form}, status=status)
    )


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_data_uri(device: TOTPDevice) -> str:
    svg = qr_svg(device.config_url)
    return "data:image/svg+xml;base64," + b64encode(svg).decode()


def _required(user) -> bool:
    return user.is_superuser and settings.REQUIRE_2FA_FOR_SUPERUSERS


@login_required
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Turn a second factor on (scan, then prove it with a code) or off."""
    user = request.user
    next_url = _next_url(request, reverse("two_factor"))
    device = confirmed_device(user)
    setup = None if device else TOTPDevice.objects.filter(user=user, confirmed=False).first()
    action = request.POST.get("action")
    form = CodeForm(request.POST if action in ("confirm", "stop") else None)

    if action == "start" and device is None:
        # A fresh secret each time: one shown on an earlier visit may have
        # been seen over someone's shoulder.
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        return see_other(f"{reverse('two_factor')}?{urlencode({'next': next_url})}")

    if action == "confirm" and setup is not None and form.is_valid():
        if setup.verify_token(form.cleaned_data["code"]):
            setup.confirmed = True
            setup.save(update_fields=["confirmed"])
            otp_login(request, setup)
            messages.success(
                request, gettext("Two-factor sign-in is on. You will need a code every time.")
            )
            return see_other(next_url)
        form.add_error(
            "code", gettext("That code is not right. Check the app shows SignMe, then retry.")
        )

    if action == "stop" and device is not None and not _required(user):
        attempt = start_attempt(request, user.get_username())
        if attempt.wait:
            context = {"device": device, "form": CodeForm(), "next": next_url}
            return _too_many(request, "accounts/two_factor.html", context, attempt)
        if form.is_valid():
            if verify_token(user, device.persistent_id, form.cleaned_data["code"]):
                attempt_succeeded(attempt)
                device.delete()
                messages.success(request, gettext("Two-factor sign-in is off."))
                return see_other(reverse("two_factor"))
            form.add_error(
                "code", gettext("That code is not right. Enter the code your app shows now.")
            )

    context = {
        "device": device,
        "setup": setup,
        "form": form,
        "next": next_url,
        "required": _required(user),
    }
    if setup is not None:
        context["secret"] = _secret_text(setup)
        context["qr"] = _qr_data_uri(setup)
    status = 400 if form.errors else 200
    return private_no_store(render(request, "accounts/two_factor.html", context, status=status))


def view_on_site(request, content_type_id: int, object_id: str):
    """Where an admin object is on the site, for a staff member who may see
    that object in the admin; 404 for any other. Django's own view redirects
    any staff member, so organisation B's could learn the address of A's
    draft petition by trying numbers."""
    if not admin.site.has_permission(request):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model)
        obj = model_admin.get_queryset(request).filter(pk=object_id).first()
    except (ContentType.DoesNotExist, admin.sites.NotRegistered, ValueError, ValidationError):
        raise Http404 from None
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    return shortcut(request, content_type_id, object_id)
