from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "signme.limits"
    label = "limits"
    verbose_name = "Limits"
