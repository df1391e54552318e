"""Submission packs and outcomes in the admin: a pack is read-only evidence,
made on the organiser's page; an outcome may be corrected here."""

from django.contrib import admin

from signme.petitions.access import petitions_run_by
from signme.petitions.admin import OwnChoicesMixin

from .models import Outcome, Submission


@admin.register(Submission)
class SubmissionAdmin(OwnChoicesMixin, admin.ModelAdmin):
    list_display = ["petition", "made_at", "made_by", "online", "paper", "paper_tallied", "status"]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(petition__in=petitions_run_by(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of what was handed in, with the hashes of its files;
        # deleting the row would leave the signers' list on disk, unlisted.
        return False


@admin.register(Outcome)
class OutcomeAdmin(OwnChoicesMixin, admin.ModelAdmin):
    list_display = ["petition", "submitted_on", "response_on", "debate_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(petition__in=petitions_run_by(request.user))
