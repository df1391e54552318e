from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "signme.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
