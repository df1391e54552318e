import sys
import time
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from signme.mailing import bulk
from signme.mailing.models import Campaign
from signme.people.contact import count_email_recipients, email_recipients
from signme.petitions.models import Petition


class Command(BaseCommand):
    help = (
        "Email an update to a petition's signers who agreed to email, once each. "
        "Queues it; `signme worker` delivers it at SIGNME_EMAIL_RATE a second."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", type=int, help="The petition's number, e.g. 1500.")
        parser.add_argument("--subject", required=True)
        parser.add_argument("--body-file", required=True, help="Markdown file; '-' for stdin.")
        parser.add_argument("--yes", action="store_true", help="Do not ask before sending.")
        parser.add_argument("--as", dest="username", default="", help="Who is sending (audit).")
        parser.add_argument(
            "--wait", action="store_true", help="Show delivery progress until all are sent."
        )

    def handle(self, number, subject, body_file, yes, username, wait, **options):
        petition = Petition.objects.filter(number=number).select_related("organisation").first()
        if petition is None:
            raise CommandError(f"There is no petition {number}.")
        subject = " ".join(subject.split())
        if not subject:
            raise CommandError("The subject is empty.")
        try:
            body = sys.stdin.read() if body_file == "-" else Path(body_file).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"Cannot read the body file {body_file}: {e}") from e
        if not body.strip():
            raise CommandError("The body file is empty.")
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"There is no user {username}.")

        recipients = count_email_recipients(petition)
        self.stdout.write(
            f"Petition {number}: {petition.title}\n"
            f"From: {bulk.sender(petition.organisation)}\nSubject: {subject}\n"
            f"Recipients: {recipients:,} (verified signers with email consent, once each)"
        )
        if not yes:
            answer = input("Send it? [y/N] ").strip().lower()
            if answer not in {"y", "yes"}:
                self.stdout.write("Not sent.")
                return
        campaign = Campaign.objects.create(
            petition=petition, subject=subject, body=body, created_by=user
        )
        bulk.start_sending(campaign, user)
        worker = f"cli-{uuid.uuid4().hex[:8]}"
        started = time.monotonic()
        while True:
            bulk.fan_out(worker, email_recipients, budget=10_000, campaign_id=campaign.pk)
            campaign.refresh_from_db()
            queued = campaign.emails.count()
            self.stdout.write(f"\rQueued {queued:,} of {recipients:,}", ending="")
            self.stdout.flush()
            if campaign.status not in (Campaign.Status.QUEUED, Campaign.Status.QUEUING):
                break
        self.stdout.write(
            f"\nQueued {campaign.recipients:,} emails in {time.monotonic() - started:.1f}s "
            f"(update {campaign.pk}); `signme worker` sends them."
        )
        while wait:
            p = bulk.progress(campaign)
            self.stdout.write(
                f"\rSent {p['sent']:,}, not sent {p['skipped']:,}, failed {p['failed']:,}, "
                f"waiting {p['waiting']:,}",
                ending="",
            )
            self.stdout.flush()
            if p["waiting"] == 0:
                self.stdout.write("")
                break
            time.sleep(1)
