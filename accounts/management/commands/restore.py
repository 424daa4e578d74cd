from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.backup import read_backup, restore_workspace
from core.errors import ValidationFailed


class Command(BaseCommand):
    help = "Restore one workspace from a file written by `cadence backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("input")
        parser.add_argument("--replace", action="store_true", help="Overwrite the workspace if it exists.")

    def handle(self, *args: Any, input: str, replace: bool, **options: Any) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        try:
            workspace = restore_workspace(read_backup(Path(input)), replace=replace)
        except ValidationFailed as e:
            raise CommandError("; ".join(m for msgs in e.errors.values() for m in msgs)) from None
        self.stdout.write(f"Restored workspace {workspace.slug}.")
