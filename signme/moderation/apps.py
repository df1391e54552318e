from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "signme.moderation"
    label = "moderation"
    verbose_name = "Checking signatures"
