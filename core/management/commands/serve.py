import multiprocessing
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
    help = "Serve Cadence with gunicorn (a production WSGI server)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None)
        # Sync workers by default: bench/ measured the same throughput as 4 gthread threads, with half the p99.
        parser.add_argument("--threads", type=int, default=int(os.environ.get("CADENCE_THREADS", "1")))
        parser.add_argument(
            "--production", action="store_true", default=settings.PRODUCTION, help="Refuse insecure settings."
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: int | None, threads: int, production: bool, **options: Any
    ) -> None:
        if production and (problems := production_problems()):
            raise CommandError("Refusing to start in production mode: " + "; ".join(problems) + ".")
        from gunicorn.app.base import BaseApplication

        from cadence.wsgi import application

        workers = workers or multiprocessing.cpu_count() * 2 + 1
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in {
                    "bind": bind,
                    "workers": workers,
                    "threads": threads,
                    "worker_class": "gthread" if threads > 1 else "sync",
                    "accesslog": "-" if os.environ.get("CADENCE_ACCESS_LOG") else None,
                    "timeout": 60,
                    "graceful_timeout": 10,
                    "keepalive": 5,
                    # Long query strings reach Django, which answers them with a field error.
                    "limit_request_line": 0,
                }.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"Cadence is running at http://{host}:{port}/  (Ctrl+C stops it)")
        from accounts.models import User

        if User.objects.filter(email="demo@cadence.local").exists():
            self.stdout.write("Demo login: demo@cadence.local / cadence-demo")
        Server().run()
