"""The Django admin for the core's objects. Every class is scoped by the same
helpers as the organiser pages (access.py): staff see their own
organisations' rows and nothing else; superusers see everything."""

from django import forms
from django.contrib import admin, messages

from .access import organisations_run_by, petitions_run_by, targets_run_by
from .models import (
    Membership,
    Organisation,
    PaperColumns,
    Petition,
    PrivacyNotice,
    Target,
    Threshold,
)
from .presets import all_presets, apply_preset


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    filter_horizontal = ["petitions"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "email"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=organisations_run_by(request.user))


class ThresholdInline(admin.TabularInline):
    model = Threshold
    extra = 1


def _preset_action(slug, label):
    def action(modeladmin, request, queryset):
        for target in queryset:
            apply_preset(target, slug)
        messages.success(request, f"Loaded {label} into {queryset.count()} target(s).")

    action.__name__ = f"load_preset_{slug.replace('-', '_')}"
    action.short_description = f"Load the preset scheme of {label}"
    return action


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "minimum_signatures", "scheme_checked_on"]
    inlines = [ThresholdInline]
    actions = [_preset_action(p.slug, p.name) for p in all_presets()]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=targets_run_by(request.user))


@admin.register(PaperColumns)
class PaperColumnsAdmin(admin.ModelAdmin):
    list_display = ["petition", "name", "address", "postcode", "email", "signature"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(petition__in=petitions_run_by(request.user))


class PetitionForm(forms.ModelForm):
    notice_text = forms.CharField(
        label="Privacy notice",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Shown beside the sign button and printed on sheets. Changing it "
        "publishes a new version; signers keep the version they saw.",
    )
    notice_policy_url = forms.URLField(
        label="Full privacy policy", required=False, assume_scheme="https"
    )

    class Meta:
        model = Petition
        fields = "__all__"  # noqa: DJ007 - the admin lays out every field

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        notice = self.instance.current_notice if self.instance.pk else None
        if notice:
            self.fields["notice_text"].initial = notice.text
            self.fields["notice_policy_url"].initial = notice.policy_url


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    form = PetitionForm
    list_display = ["number", "title", "status", "target", "organisation"]
    list_filter = ["status"]
    search_fields = ["number", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=petitions_run_by(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_run_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        PrivacyNotice.publish(
            obj, form.cleaned_data["notice_text"], form.cleaned_data["notice_policy_url"]
        )


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["code", "petition", "created_at"]
    readonly_fields = ["petition", "version", "text", "policy_url", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(petition__in=petitions_run_by(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
