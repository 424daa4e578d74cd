"""The SMART check (SMART原则) of objectives and key results. (Interface; the SMART helper writes it.)"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Finding:
    code: str  # "specific", "measurable", "time_bound" or "owner"
    message: str  # in the active language


def check_text(title: str) -> list[Finding]:
    return []


def check_objective(*, title: str, owner_id: int | None, cycle: Any, key_results: list[Any]) -> list[Finding]:
    return []


def check_key_result(
    *,
    title: str,
    metric: str,
    start_value: Decimal | None,
    target_value: Decimal | None,
    owner_id: int | None,
    due_date: datetime.date | None,
    cycle: Any,
) -> list[Finding]:
    return []
