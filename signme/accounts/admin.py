"""Accounts, groups and authenticator devices in the admin: superusers only.

An organiser's admin covers their own organisations' rows (see
petitions/admin.py); the list of every account would name other
organisations' staff, and a device or a password is not theirs to change.
Django's and django-otp's own admin classes are kept, and re-registered with
permissions that answer yes to a superuser and no to everyone else, whatever
permissions a staff account was given."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class SuperusersOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class SuperusersOnlyUserAdmin(SuperusersOnly, UserAdmin):
    pass


class SuperusersOnlyGroupAdmin(SuperusersOnly, GroupAdmin):
    pass


class SuperusersOnlyTOTPDeviceAdmin(SuperusersOnly, TOTPDeviceAdmin):
    pass


for model, model_admin in [
    (get_user_model(), SuperusersOnlyUserAdmin),
    (Group, SuperusersOnlyGroupAdmin),
    (TOTPDevice, SuperusersOnlyTOTPDeviceAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
