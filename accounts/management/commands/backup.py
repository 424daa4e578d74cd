from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.backup import export_workspace, write_backup
from accounts.models import Workspace


class Command(BaseCommand):
    help = "Write one workspace (or every workspace, one file each) to JSON; .gz compresses."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("output", help="File (with --workspace) or folder (without).")
        parser.add_argument("--workspace", help="The workspace slug; all workspaces if omitted.")

    def handle(self, *args: Any, output: str, workspace: str | None, **options: Any) -> None:
        target = Path(output)
        if workspace:
            found = Workspace.objects.filter(slug=workspace).first()
            if found is None:
                raise CommandError(f"No workspace {workspace!r}.")
            write_backup(target, export_workspace(found))
            self.stdout.write(f"Wrote {target}")
            return
        target.mkdir(parents=True, exist_ok=True)
        for ws in Workspace.objects.order_by("pk"):
            path = target / f"{ws.slug}.json.gz"
            write_backup(path, export_workspace(ws))
            self.stdout.write(f"Wrote {path}")
