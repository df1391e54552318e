from django.core.management.base import BaseCommand

from signme.web.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo organisation, target and petition 1500 (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="organiser@example.org")
        parser.add_argument("--password", default="signme-demo")

    def handle(self, *args, username, password, **options):
        petition = load_demo(username=username, password=password)
        self.stdout.write(f"Demo petition {petition.number} ready.")
