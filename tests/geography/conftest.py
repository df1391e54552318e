from pathlib import Path

import pytest
from django.core.management import call_command

HERE = Path(__file__).parent
DIRECTORY = HERE / "directory.csv"
NAMES = [HERE / "names.csv", HERE / "more_names.csv", HERE / "pcon_names.csv"]


def load_directory(path=DIRECTORY, names=NAMES, **kwargs):
    args = [str(path)]
    for n in names:
        args += ["--names", str(n)]
    call_command("import_postcodes", *args, quiet=True, **kwargs)


@pytest.fixture
def directory(db):
    """The synthetic directory (made-up codes) and its names, loaded."""
    load_directory()
