import pytest

from signme.paper.sheets import issue_sheets, log_return


@pytest.fixture
def sheets(petition, organiser):
    """Five numbered sheets given to a volunteer at Holt market."""
    return issue_sheets(petition, 5, "Holt market stall", organiser)


@pytest.fixture
def returned(petition, sheets):
    """The first sheet, back with 3 signed rows."""
    return log_return(petition, sheets[0].serial, 3)
