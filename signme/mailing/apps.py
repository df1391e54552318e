from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "signme.mailing"
    label = "mailing"
    verbose_name = "Email"
