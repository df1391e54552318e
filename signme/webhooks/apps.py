from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "signme.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
