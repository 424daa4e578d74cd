"""Messages shown as toasts ({% toasts %}), some with an Undo action.

An undo is carried in the message's extra tags (Django's message storage keeps nothing else), as
`undo <type> <id> <url>`: the toast posts to the trash's restore endpoint with the object's page as
`next`, so Undo brings the object back and shows it.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest

UNDO_TAG = "undo"


@dataclass(frozen=True)
class Undo:
    target_type: str
    target_id: int
    next_url: str


def with_undo(request: HttpRequest, text: str, *, target_type: str, target_id: int, next_url: str) -> None:
    """A success message for a soft delete, with an Undo that restores the object from the trash."""
    messages.success(request, text, extra_tags=f"{UNDO_TAG} {target_type} {target_id} {next_url}")


def parse_undo(extra_tags: str) -> Undo | None:
    parts = (extra_tags or "").split()
    if len(parts) != 4 or parts[0] != UNDO_TAG or not parts[2].isdigit() or not parts[3].startswith("/"):
        return None
    return Undo(parts[1], int(parts[2]), parts[3])
