import subprocess

import pytest
from django.core.management import CommandError, call_command

from signme.audit.models import AuditEvent
from signme.submissions.models import Submission

from .conftest import add_signature


def test_command_writes_the_pack_shows_progress_and_records_it(petition, tmp_path, capsys):
    for i in range(25):
        add_signature(petition, i)
    call_command("submission", "1500", "--out", str(tmp_path / "out"))
    out, err = capsys.readouterr()
    assert "25 signatories listed" in out
    assert "100%" in err and "\r" not in err  # piped: plain lines, not a redrawn bar
    check = subprocess.run(
        ["sha256sum", "-c", "petition-1500-manifest.sha256"],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0
    submission = Submission.objects.get()
    assert submission.online == 25 and submission.status == "ready"
    assert submission.made_by is None
    event = AuditEvent.objects.get(action="submit")
    assert event.count == 25 and event.actor_label == "system"


def test_command_warns_when_below_the_minimum(petition, tmp_path, capsys):
    add_signature(petition, 1)
    call_command("submission", "1500", "--out", str(tmp_path / "out"), "--quiet")
    assert "Below the minimum: Norfolk County Council asks for 20." in capsys.readouterr().out


def test_command_refuses_an_unknown_petition_and_records_nothing(db, tmp_path):
    with pytest.raises(CommandError, match="There is no petition 999"):
        call_command("submission", "999", "--out", str(tmp_path / "out"))
    assert not Submission.objects.exists()
    assert not (tmp_path / "out").exists()


def test_a_pack_made_on_the_command_line_is_listed_with_its_folder(
    client, organiser, petition, tmp_path
):
    add_signature(petition, 1)
    call_command("submission", "1500", "--out", str(tmp_path / "out"), "--quiet")
    client.force_login(organiser)
    html = client.get("/organise/petitions/1500/").content.decode()
    assert f"Written to {(tmp_path / 'out').resolve()}" in html
    submission = Submission.objects.get()
    url = f"/organise/petitions/1500/submissions/{submission.pk}/pdf"
    assert client.get(url).status_code == 404
