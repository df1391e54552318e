"""Staff with passwords, and codes from an authenticator app."""

import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "staff-pass-1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # These tests check hundreds of passwords; the real hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "staff@example.org", email="staff@example.org", password=PASSWORD, is_staff=True
    )


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "root@example.org", email="root@example.org", password=PASSWORD
    )


def add_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _step(device: TOTPDevice) -> int:
    return (int(time.time()) - device.t0) // device.step + device.drift


def code(device: TOTPDevice) -> str:
    """What the app shows now, or next if now's code was used already (each
    code works once, and the next one is accepted a step early)."""
    device.refresh_from_db()
    t = max(_step(device), device.last_t + 1)
    return f"{hotp(device.bin_key, t, digits=device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    t = _step(device)
    accepted = {f"{hotp(device.bin_key, t + d, digits=6):06d}" for d in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222") if c not in accepted)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def verified(client) -> bool:
    return "otp_device_id" in client.session
