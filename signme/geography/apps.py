from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "signme.geography"
    label = "geography"
    verbose_name = "Geography"
