from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "signme.petitions"
    label = "petitions"
    verbose_name = "Petitions"

    def ready(self):
        from . import jobs  # noqa: F401 - registers periodic jobs
