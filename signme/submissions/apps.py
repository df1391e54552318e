from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "signme.submissions"
    label = "submissions"
    verbose_name = "Submissions and outcomes"
