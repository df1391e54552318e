from django import forms
from django.contrib import admin

from .models import Membership, Organisation, Petition, PrivacyNotice, Target, Threshold


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    filter_horizontal = ["petitions"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "email"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(membership__user=request.user, membership__role="organiser")


class ThresholdInline(admin.TabularInline):
    model = Threshold
    extra = 1


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "minimum_signatures", "scheme_checked_on"]
    inlines = [ThresholdInline]


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
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            organisation__membership__user=request.user,
            organisation__membership__role="organiser",
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                membership__user=request.user, membership__role="organiser"
            )
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
