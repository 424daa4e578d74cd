import signal
import time
from typing import Any

from django.core.management.base import BaseCommand

from core.jobs import run_due_jobs


class Command(BaseCommand):
    help = "Run background work: periodic jobs (trash purge, and what later modules declare)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between scans.")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Cadence worker started.")
        while True:
            for name in run_due_jobs():
                self.stdout.write(f"ran {name}")
            if once or stopping:
                return
            time.sleep(interval)
