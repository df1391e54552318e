from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "signme.people"
    label = "people"
    verbose_name = "Signers' rights and contact preferences"
