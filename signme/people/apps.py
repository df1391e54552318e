from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "signme.people"
    label = "people"
    verbose_name = "Signers' rights and contact preferences"

    def ready(self):
        from . import jobs, rights  # noqa: F401 - periodic jobs and the rights email
