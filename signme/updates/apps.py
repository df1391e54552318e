from django.apps import AppConfig


class UpdatesConfig(AppConfig):
    name = "signme.updates"
    label = "updates"
    verbose_name = "Updates to signers"
