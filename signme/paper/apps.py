from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "signme.paper"
    label = "paper"
    verbose_name = "Paper sheets"
