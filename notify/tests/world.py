"""The notifications of the test cast.

Everyone in acme who may be told (alice, bob, carol, gina, erin) has one weekly check-in in their
inbox, `notifications[role]`; oscar and olga have one in the other workspace (`other_notification`
is olga's). Each workspace has a webhook endpoint (`webhook`, `other_webhook`, created directly:
the URL check would resolve DNS) and a delivery that failed for good (`dead_delivery`,
`other_dead_delivery`)."""

from typing import Any

from notify.events import emit
from notify.models import Channel, Delivery, DeliveryStatus, WebhookEndpoint, WebhookKind

ACME_ROLES = ("owner", "admin", "member", "guest", "extra")
OTHER_ROLES = ("outsider_owner", "outsider")


def _checkin(world: Any, workspace: Any, roles: tuple[str, ...]) -> dict[str, Any]:
    told = emit(
        "checkin.weekly",
        actor=None,
        target=None,
        workspace_id=workspace.pk,
        context={"people": [world.users[r].pk for r in roles], "open": 3, "overdue": 1},
        url=f"/w/{workspace.slug}/my-work/",
    )
    by_user = {n.recipient_id: n for n in told}
    return {role: by_user[world.users[role].pk] for role in roles}


def _webhook(world: Any, workspace: Any, owner: str, name: str) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        workspace=workspace,
        name=name,
        kind=WebhookKind.GENERIC,
        url="https://hooks.example.com/x",
        secret=f"secret-of-{workspace.slug}",
        created_by=world.users[owner],
    )


def _dead(workspace: Any, endpoint: WebhookEndpoint) -> Delivery:
    return Delivery.objects.create(
        workspace=workspace,
        channel=Channel.WEBHOOK,
        key=f"hook:{endpoint.pk}:world",
        endpoint=endpoint,
        payload={"event": "work_item.assigned", "context": {"object": "WEB-1"}, "url": "", "occurred_at": ""},
        status=DeliveryStatus.DEAD,
        attempts=8,
        last_error="status 500",
    )


def extend(world: Any) -> None:
    notifications = _checkin(world, world.acme, ACME_ROLES)
    other_notifications = _checkin(world, world.other, OTHER_ROLES)
    webhook = _webhook(world, world.acme, "owner", "Product chat")
    other_webhook = _webhook(world, world.other, "outsider_owner", "Secret chat")
    world.extra.update(
        notifications=notifications,
        other_notification=other_notifications["outsider"],
        webhook=webhook,
        other_webhook=other_webhook,
        dead_delivery=_dead(world.acme, webhook),
        other_dead_delivery=_dead(world.other, other_webhook),
    )
