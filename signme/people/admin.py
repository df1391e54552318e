"""The audit log in the admin: read-only, and only the organisations this
user organises (see also /organise/audit/)."""

from django.contrib import admin

from signme.audit.models import AuditEvent
from signme.petitions.access import organisations_run_by
from signme.petitions.admin import OwnChoicesMixin


@admin.register(AuditEvent)
class AuditEventAdmin(OwnChoicesMixin, admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits it, not even staff."""

    list_display = ["at", "actor_label", "action", "organisation", "petition", "subject", "count"]
    list_filter = ["action"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("organisation", "petition")
        if request.user.is_superuser:
            return qs  # including events of no organisation
        return qs.filter(organisation__in=organisations_run_by(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
