import signal
import time
from typing import Any

from django.core.management.base import BaseCommand

from core.jobs import drain_queues, run_due_jobs


class Command(BaseCommand):
    help = "Run background work: send queued notifications, and run periodic jobs (reminders, digests, trash purge)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between scans.")

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
            drain_queues()
            if once or stopping:
                return
            time.sleep(interval)
