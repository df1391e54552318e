from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "signme.web"
    label = "web"
    verbose_name = "Pages and wiring"
