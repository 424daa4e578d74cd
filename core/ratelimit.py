"""Failure throttles shared by every process: lock a key after too many failures in a window."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import RateLimited
from core.models import Throttle


def check(keys: list[str]) -> None:
    """Raise RateLimited if any key is locked now."""
    now = timezone.now()
    locked = Throttle.objects.filter(key__in=keys, locked_until__gt=now).order_by("-locked_until").first()
    if locked is not None and locked.locked_until is not None:
        raise RateLimited(retry_after=max(1, int((locked.locked_until - now).total_seconds())))


def record_failure(
    keys: list[str],
    *,
    max_failures: int | None = None,
    window_seconds: int | None = None,
    lock_seconds: int | None = None,
) -> None:
    """Count one failure on each key; the `max_failures`-th in a window locks the key for
    `lock_seconds`. The limits default to the THROTTLE_* settings."""
    now = timezone.now()
    window = datetime.timedelta(seconds=window_seconds or settings.THROTTLE_WINDOW_SECONDS)
    limit = max_failures or settings.THROTTLE_MAX_FAILURES
    lock = datetime.timedelta(seconds=lock_seconds or settings.THROTTLE_LOCK_SECONDS)
    with transaction.atomic():
        for key in keys:
            row, _ = Throttle.objects.select_for_update().get_or_create(key=key)
            if now - row.window_start > window:
                row.failures, row.window_start = 0, now
            row.failures += 1
            if row.failures >= limit:
                row.locked_until = now + lock
            row.save()


def clear(keys: list[str]) -> None:
    Throttle.objects.filter(key__in=keys, locked_until__isnull=True).delete()


def hit(
    keys: list[str], *, limit: int | None = None, window_seconds: int | None = None, lock_seconds: int | None = None
) -> None:
    """For endpoints throttled on every use (not only failures): check, then count. With `limit`
    uses in `window_seconds`, the last allowed use locks the key (for the window, unless
    `lock_seconds` says otherwise)."""
    check(keys)
    record_failure(
        keys,
        max_failures=limit,
        window_seconds=window_seconds,
        lock_seconds=lock_seconds or (window_seconds if limit else None),
    )
