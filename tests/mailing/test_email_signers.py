"""`signme email-signers <number> --subject … --body-file … [--yes]`."""

import io

import pytest
from django.core.management import CommandError, call_command

from signme.mailing.models import Campaign, OutboundEmail
from signme.mailing.outbox import deliver_all


def test_the_command_queues_an_update_once_per_consenting_signer(signer, tmp_path, smtp):
    signer("a@example.org")
    signer("b@example.org", consent=False)
    body = tmp_path / "update.md"
    body.write_text("We handed it in.\n")
    out = io.StringIO()
    call_command(
        "email_signers", "1500", "--subject", "Handed in", "--body-file", str(body), "--yes",
        stdout=out,
    )  # fmt: skip
    assert "Recipients: 1" in out.getvalue() and "Queued 1 emails" in out.getvalue()
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["To"] == "a@example.org" and msg["Subject"] == "Handed in"


@pytest.mark.parametrize(
    "args, message",
    [
        (["9999", "--subject", "s"], "There is no petition 9999."),
        (["1500", "--subject", "  "], "The subject is empty."),
        (["1500", "--subject", "s", "--body-file", "/nonexistent"], "Cannot read the body file"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_queued(petition, tmp_path, args, message):
    body = tmp_path / "b.md"
    body.write_text("text")
    if "--body-file" not in args:
        args = [*args, "--body-file", str(body)]
    with pytest.raises(CommandError, match=message):
        call_command("email_signers", *args, "--yes", stdout=io.StringIO())
    assert not Campaign.objects.exists() and not OutboundEmail.objects.exists()


def test_an_empty_body_file_is_refused(petition, tmp_path):
    body = tmp_path / "b.md"
    body.write_text("  \n")
    with pytest.raises(CommandError, match="The body file is empty."):
        call_command(
            "email_signers", "1500", "--subject", "s", "--body-file", str(body), "--yes",
            stdout=io.StringIO(),
        )  # fmt: skip
    assert not Campaign.objects.exists()
