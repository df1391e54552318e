import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_undone_after_each_test():
    """A request in Welsh activates Welsh in the test's thread, and the test
    client never undoes it: the next test in the same process would then run
    in Welsh (a migration check sees translated labels as changed). Whatever
    a test activates is undone when it ends."""
    with translation.override(translation.get_language()):
        yield
