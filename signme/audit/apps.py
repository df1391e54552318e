from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "signme.audit"
    label = "audit"
    verbose_name = "Audit log"
