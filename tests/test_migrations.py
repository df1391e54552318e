"""The migrations make the tables the models describe. The SQLite test run
makes its tables from the models (tests/conftest.py), and production applies
the migrations; this keeps the two the same."""

from django.apps import apps
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState


def missing_migrations() -> dict:
    """What `makemigrations` would write now, by app: nothing, if every model
    change has its migration."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    detector = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(apps))
    return detector.changes(graph=loader.graph)


def test_no_model_change_is_missing_a_migration():
    missing = missing_migrations()
    assert missing == {}, {app: [m.operations for m in ms] for app, ms in missing.items()}
