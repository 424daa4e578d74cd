"""What the worker runs for notifications: the outbox on every tick, reminders and digests on a
schedule."""

import datetime

from core.jobs import drain, periodic
from notify import delivery, reminders


@drain
def _send_deliveries() -> int:
    return delivery.deliver_due()


@periodic("notify.reminders", datetime.timedelta(minutes=15))
def _reminders() -> None:
    reminders.scan_due_dates()


@periodic("notify.checkins", datetime.timedelta(minutes=15))
def _checkins() -> None:
    reminders.weekly_checkins()


@periodic("notify.digests", datetime.timedelta(minutes=5))
def _digests() -> None:
    delivery.queue_digests()
