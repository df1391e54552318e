from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "signme.mailing"
    label = "mailing"
    verbose_name = "Email"

    def ready(self):
        from . import emails  # noqa: F401 - registers the email kinds
