from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.demo_workspace import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, build_demo


class Command(BaseCommand):
    help = "Load the bilingual demo workspace (星辰科技 Stellar Tech)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any user exists.")

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if User.objects.exists():
            if if_empty:
                self.stdout.write("The database has users already; demo not loaded.")
                return
            if User.objects.filter(email=DEMO_EMAIL).exists():
                raise CommandError("The demo workspace exists already.")
        build_demo()
        self.stdout.write(f"Demo workspace '{DEMO_SLUG}' loaded. Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}")
