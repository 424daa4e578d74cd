"""Declared reactions between apps: when a change in one app must move another (work done →
requirement progress → key-result progress), the lower app emits a hook and the higher one
subscribes, so that no app imports one that depends on it.

The app that emits a hook declares it once, with the type of its payload (a frozen dataclass):
`declare("work_item.created", WorkItemsChanged, doc=...)`. Other apps subscribe in their
AppConfig's `register()`. `emit` runs the subscribers at once, in the order they subscribed (the order of
INSTALLED_APPS), inside the emitting service's transaction: what they derive is exact, rolls back
with the write, and an exception in any of them fails the write.

Hooks are for reactions inside the database. Telling people goes through `notify.events`."""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

Subscriber = Callable[[Any], None]


class UndeclaredHook(LookupError):
    """A hook was emitted or subscribed to without a declaration."""


@dataclass(frozen=True)
class Hook:
    name: str
    payload_type: type
    doc: str
    subscribers: tuple[Subscriber, ...] = ()


_hooks: dict[str, Hook] = {}


def declare(name: str, payload_type: type, *, doc: str) -> Hook:
    """Declare a hook this module emits. Declaring it again with the same payload type keeps it."""
    if not (isinstance(payload_type, type) and dataclasses.is_dataclass(payload_type)):
        raise ImproperlyConfigured(f"The payload of hook {name!r} must be a dataclass.")
    if not payload_type.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise ImproperlyConfigured(f"The payload of hook {name!r} must be frozen.")
    existing = _hooks.get(name)
    if existing is not None:
        if existing.payload_type is not payload_type:
            raise ImproperlyConfigured(f"Hook {name!r} is already declared with {existing.payload_type.__name__}.")
        return existing
    hook = _hooks[name] = Hook(name, payload_type, doc)
    return hook


def _hook(name: str) -> Hook:
    try:
        return _hooks[name]
    except KeyError:
        raise UndeclaredHook(f"No hook named {name!r} is declared.") from None


def subscribe(name: str, subscriber: Subscriber) -> None:
    """Run `subscriber(payload)` whenever the hook is emitted; call it in an AppConfig's register(), after
    importing the module that declares the hook. Subscribing twice changes nothing."""
    hook = _hook(name)
    if subscriber not in hook.subscribers:
        _hooks[name] = dataclasses.replace(hook, subscribers=(*hook.subscribers, subscriber))


def unsubscribe(name: str, subscriber: Subscriber) -> None:
    hook = _hook(name)
    _hooks[name] = dataclasses.replace(hook, subscribers=tuple(s for s in hook.subscribers if s != subscriber))


def emit(name: str, payload: Any) -> None:
    """Run the hook's subscribers now, in the caller's transaction; their exceptions propagate."""
    hook = _hook(name)
    if type(payload) is not hook.payload_type:
        raise TypeError(f"Hook {name!r} carries {hook.payload_type.__name__}, not {type(payload).__name__}.")
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(f"Hook {name!r} must be emitted inside transaction.atomic().")
    for subscriber in hook.subscribers:
        subscriber(payload)


def declared() -> list[Hook]:
    """Every declared hook, by name, with its subscribers in the order they run."""
    return [_hooks[name] for name in sorted(_hooks)]
