from django.contrib import admin, messages

from signme.petitions.models import Target

from .models import Outcome, PaperColumns, Submission
from .presets import all_presets, apply_preset


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["petition", "made_at", "made_by", "online", "paper", "paper_tallied", "status"]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["petition", "submitted_on", "response_on", "debate_on"]


@admin.register(PaperColumns)
class PaperColumnsAdmin(admin.ModelAdmin):
    list_display = ["petition", "name", "address", "postcode", "email", "signature"]


def _preset_action(slug, label):
    def action(modeladmin, request, queryset):
        for target in queryset:
            apply_preset(target, slug)
        messages.success(request, f"Loaded {label} into {queryset.count()} target(s).")

    action.__name__ = f"load_preset_{slug.replace('-', '_')}"
    action.short_description = f"Load the preset scheme of {label}"
    return action


# The petitions app owns Target's admin; add one action per preset to it.
_target_admin = admin.site._registry.get(Target)
if _target_admin is not None:
    _target_admin.actions = [
        *(_target_admin.actions or []),
        *(_preset_action(p.slug, p.name) for p in all_presets()),
    ]
