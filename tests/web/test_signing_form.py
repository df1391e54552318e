"""GOV.UK patterns on the signing form: the error summary takes focus, each
error says what to do, and a yes/no question's error uses the question."""

import pytest

from signme.petitions.forms import what_to_select
from signme.petitions.models import Signature


@pytest.mark.parametrize(
    "question, message",
    [
        ("Do you live, work or study in Norfolk?",
         "Select yes if you live, work or study in Norfolk, or no if you do not"),
        ("Are you a resident of Holt?",
         "Select yes if you are a resident of Holt, or no if you are not"),
        ("Is your home in Wales?", "Select yes or no"),
    ],
)  # fmt: skip
def test_an_unanswered_question_says_what_to_select(question, message):
    assert what_to_select(question) == message


def test_after_a_failed_submit_the_summary_takes_focus_without_script(sign):
    response = sign(eligible=None, name="")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<div class="error-summary" role="alert" tabindex="-1" autofocus' in html
    assert "Select yes if you live, work or study in Norfolk, or no if you do not" in html
    assert html.index("Enter your full name") < html.index("Select yes if you live")
    assert Signature.objects.count() == 0


def test_a_page_without_errors_focuses_nothing(client, petition):
    assert "autofocus" not in client.get("/petitions/1500/").content.decode()
