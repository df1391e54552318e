from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits it, not even staff."""

    list_display = ["at", "actor_label", "action", "organisation", "petition", "subject", "count"]
    list_filter = ["action"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("organisation", "petition")
        if request.user.is_superuser:
            return qs
        return qs.filter(
            organisation__membership__user=request.user,
            organisation__membership__role="organiser",
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
