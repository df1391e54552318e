from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "signme.submissions"
    label = "submissions"
    verbose_name = "Targets' schemes and submissions"

    def ready(self):
        from . import emails, jobs, public  # noqa: F401 - registers emails, jobs, receivers
