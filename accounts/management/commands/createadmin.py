import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import create_user, create_workspace
from core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create an administrator account and, optionally, a workspace they own."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--username", required=True)
        parser.add_argument("--display-name", default="")
        parser.add_argument("--workspace-name")
        parser.add_argument("--workspace-slug")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args: Any, **o: Any) -> None:
        password = os.environ.get("CADENCE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            with transaction.atomic():
                user = create_user(
                    email=o["email"],
                    username=o["username"],
                    password=password,
                    display_name=o["display_name"],
                    language=o["language"],
                    is_superuser=True,
                )
                if o["workspace_slug"]:
                    create_workspace(user, name=o["workspace_name"] or o["workspace_slug"], slug=o["workspace_slug"])
        except ValidationFailed as e:
            raise CommandError("; ".join(f"{f}: {' '.join(m)}" for f, m in e.errors.items())) from None
        self.stdout.write(f"Created {user.email}.")
