"""Periodic jobs and queues run by `cadence worker`. A job is claimed with a conditional UPDATE,
so that any number of workers on one database run each job once per interval."""

import datetime
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.models import ScheduledRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: datetime.timedelta
    run: Callable[[], object]


_jobs: dict[str, PeriodicJob] = {}
# Queues the worker drains on every tick (the notification outbox), each a function that handles
# one batch and returns how many it handled.
_drains: list[Callable[[], int]] = []


def drain(func: Callable[[], int]) -> Callable[[], int]:
    _drains.append(func)
    return func


def drain_queues(max_batches: int = 50) -> int:
    """Run every queue's batches until each is empty (or has run max_batches); return the total."""
    total = 0
    for func in _drains:
        for _ in range(max_batches):
            handled = func()
            total += handled
            if not handled:
                break
    return total


def periodic(name: str, every: datetime.timedelta) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def decorate(func: Callable[[], object]) -> Callable[[], object]:
        _jobs[name] = PeriodicJob(name, every, func)
        return func

    return decorate


def _claim(job: PeriodicJob, now: datetime.datetime) -> bool:
    with transaction.atomic():
        ScheduledRun.objects.get_or_create(name=job.name)
        never_or_long_ago = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every)
        return ScheduledRun.objects.filter(never_or_long_ago, name=job.name).update(last_started_at=now) > 0


def run_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Run every job whose interval has passed; return the names of those run here."""
    ran = []
    for job in list(_jobs.values()):
        started = now or timezone.now()
        if not _claim(job, started):
            continue
        error = ""
        try:
            job.run()
        except Exception:
            error = traceback.format_exc()
            log.exception("periodic job %s failed", job.name)
        ScheduledRun.objects.filter(name=job.name).update(last_finished_at=timezone.now(), last_error=error)
        ran.append(job.name)
    return ran


@periodic("core.purge_trash", datetime.timedelta(hours=1))
def _purge_trash() -> None:
    from core.services import purge_trash

    while purge_trash():
        pass
