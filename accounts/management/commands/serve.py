import multiprocessing
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from cadence.settings import INSECURE_SECRET_KEY


def production_problems() -> list[str]:
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on")
    key = settings.SECRET_KEY
    if key == INSECURE_SECRET_KEY or len(key) < 50 or len(set(key)) < 5:
        problems.append("SECRET_KEY is the default, or shorter than 50 characters, or not random")
    return problems


class Command(BaseCommand):
    help = "Serve Cadence with granian (a production WSGI server)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        # One worker process per core: bench/ measured more requests/s and a lower p99 than with more
        # processes, and than gunicorn's sync workers (README.md in bench/).
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None)
        parser.add_argument(
            "--production", action="store_true", default=settings.PRODUCTION, help="Refuse insecure settings."
        )

    def handle(self, *args: Any, host: str, port: int, workers: int | None, production: bool, **options: Any) -> None:
        if production and (problems := production_problems()):
            raise CommandError("Refusing to start in production mode: " + "; ".join(problems) + ".")
        from granian import Granian
        from granian.constants import Interfaces

        self.stdout.write(f"Cadence is running at http://{host}:{port}/  (Ctrl+C stops it)")
        from accounts.models import User

        if User.objects.filter(email="demo@cadence.local").exists():
            self.stdout.write("Demo login: demo@cadence.local / cadence-demo")
        self.stdout.flush()
        # Granian forks its workers from this process: none may inherit its connection or pool, or
        # two workers would talk over one PostgreSQL socket and read each other's answers.
        for connection in connections.all(initialized_only=True):
            connection.close()
            if hasattr(connection, "close_pool"):
                connection.close_pool()
        Granian(
            "cadence.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers or multiprocessing.cpu_count(),
            blocking_threads=1,  # one request at a time per process, as the ORM's connections expect
            websockets=False,
            log_access=bool(os.environ.get("CADENCE_ACCESS_LOG")),
            respawn_failed_workers=True,
        ).serve()
