from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "signme.petitions"
    label = "petitions"
    verbose_name = "Petitions"
