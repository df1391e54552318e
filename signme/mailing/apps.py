from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "signme.mailing"
    label = "mailing"
    verbose_name = "Email"

    def ready(self):
        from . import campaigns, emails, jobs  # noqa: F401 - email kinds and periodic jobs
