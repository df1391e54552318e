"""Sheets and scans in the admin: for correcting a mistyped tally or where a
sheet went, and for looking a scan up. Everything that makes or reads a scan
stays on the organiser pages, which record it in the audit log."""

from django.contrib import admin

from signme.petitions.access import petitions_run_by
from signme.petitions.admin import OwnChoicesMixin
from signme.petitions.counting import forget_counts
from signme.petitions.models import Sheet

from .models import Scan


def _own(request, qs):
    return qs.filter(petition__in=petitions_run_by(request.user))


@admin.register(Sheet)
class SheetAdmin(OwnChoicesMixin, admin.ModelAdmin):
    list_display = ["serial", "petition", "issued_to", "status", "tally", "returned_at"]
    list_filter = ["status"]
    search_fields = ["serial", "issued_to"]
    fields = ["serial", "petition", "issued_to", "status", "tally", "returned_at",
              "transcribed_at", "notice", "issued_at", "issued_by"]  # fmt: skip
    readonly_fields = ["serial", "petition", "status", "returned_at", "transcribed_at",
                       "notice", "issued_at", "issued_by"]  # fmt: skip

    def get_queryset(self, request):
        return _own(request, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # sheets are issued from the organiser pages, with serials

    def has_delete_permission(self, request, obj=None):
        return False  # a sheet's serial is printed; signatures point at it

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_counts(obj.petition_id)  # a corrected tally shows at once


@admin.register(Scan)
class ScanAdmin(OwnChoicesMixin, admin.ModelAdmin):
    list_display = ["pk", "petition", "sheet", "page_number", "status", "uploaded_at"]
    list_filter = ["status"]
    search_fields = ["sheet__serial"]
    readonly_fields = ["petition", "sheet", "image", "sha256", "source_name", "page_number",
                       "status", "uploaded_at", "uploaded_by"]  # fmt: skip

    def get_queryset(self, request):
        return _own(request, super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
