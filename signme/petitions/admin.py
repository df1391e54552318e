"""The Django admin for the core's objects. Every class is scoped by the same
helpers as the organiser pages (access.py): staff see their own
organisations' rows and nothing else, and a form's choices (a foreign key, a
many-to-many) offer only those rows too; superusers see everything."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Model, QuerySet

from .access import organisations_run_by, petitions_run_by, targets_offered_to, targets_run_by
from .models import (
    Membership,
    Organisation,
    PaperColumns,
    Petition,
    PrivacyNotice,
    Sheet,
    Signature,
    Target,
    Threshold,
)
from .presets import all_presets, apply_preset
from .validity import settle


def choices_for(model: type[Model], user) -> QuerySet:
    """The rows of `model` this user may pick in an admin form.

    Fails closed: a model not named here offers nothing to anyone but a
    superuser, so a foreign key added later leaks no other organisation's
    rows until someone decides who may pick what."""
    if user.is_superuser:
        return model._default_manager.all()
    if model is Petition:
        return petitions_run_by(user)
    if model is Organisation:
        return organisations_run_by(user)
    if model is Target:
        return targets_offered_to(user)
    if model in (PrivacyNotice, Sheet):
        return model._default_manager.filter(petition__in=petitions_run_by(user))
    if model is get_user_model():
        # Colleagues only: the list of every account names other
        # organisations' staff. A superuser adds a newcomer's first membership.
        return model._default_manager.filter(
            membership__organisation__in=organisations_run_by(user)
        ).distinct()
    return model._default_manager.none()


class OwnChoicesMixin:
    """For every ModelAdmin and inline: foreign keys and many-to-many fields
    offer only the user's own organisations' rows (choices_for). Rows a form
    does not offer are refused when posted, so a forged id changes nothing."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", choices_for(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", choices_for(db_field.related_model, request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class MembershipFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A volunteer is given petitions of the organisation they belong to:
        # access.py ignores any other, and the form does not even offer one.
        if "petitions" in form.fields:
            field = form.fields["petitions"]
            if self.instance.pk is None:
                field.queryset = field.queryset.none()
            else:
                field.queryset = field.queryset.filter(organisation=self.instance)


class MembershipInline(OwnChoicesMixin, admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    filter_horizontal = ["petitions"]


@admin.register(Organisation)
class OrganisationAdmin(OwnChoicesMixin, admin.ModelAdmin):
    list_display = ["name", "email"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=organisations_run_by(request.user))


class ThresholdInline(OwnChoicesMixin, admin.TabularInline):
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
class TargetAdmin(OwnChoicesMixin, admin.ModelAdmin):
    list_display = ["name", "minimum_signatures", "scheme_checked_on"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ThresholdInline]
    actions = [_preset_action(p.slug, p.name) for p in all_presets()]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=targets_run_by(request.user))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "eligible_areas" in form.changed_data:
            # Who is outside the area changed: decide again whether each counts.
            settle(Signature.objects.filter(petition__target=obj))


@admin.register(PaperColumns)
class PaperColumnsAdmin(OwnChoicesMixin, admin.ModelAdmin):
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
class PetitionAdmin(OwnChoicesMixin, admin.ModelAdmin):
    form = PetitionForm
    list_display = ["number", "title", "status", "target", "organisation"]
    list_filter = ["status"]
    search_fields = ["number", "title"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=petitions_run_by(request.user))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        PrivacyNotice.publish(
            obj, form.cleaned_data["notice_text"], form.cleaned_data["notice_policy_url"]
        )


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(OwnChoicesMixin, admin.ModelAdmin):
    list_display = ["code", "petition", "created_at"]
    readonly_fields = ["petition", "version", "text", "policy_url", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(petition__in=petitions_run_by(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
