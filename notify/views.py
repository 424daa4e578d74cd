"""Web pages of notifications: the inbox, preferences, unsubscribe links, and for admins the
workspace's webhooks, failed deliveries and reminder settings. Thin: parse with a form, call a
service or a query, render."""

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.queries import teams_for
from accounts.web import actor_for
from core.errors import NotFound
from core.web import is_htmx, page_from, render_page, safe_next, web_view
from notify import queries, services
from notify.forms import (
    DeliveryFilterForm,
    InboxFilterForm,
    PreferencesForm,
    ReminderSettingsForm,
    WebhookForm,
)
from notify.models import Channel, Delivery, DeliveryStatus, Notification, WebhookEndpoint

if TYPE_CHECKING:
    from accounts.models import Membership

RECENT_DELIVERIES = 20


@csrf_exempt  # the signed token is the credential; mail clients POST here for one-click (RFC 8058)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks, POST does: a link scanner that fetches the URL unsubscribes nobody."""
    if request.method != "POST":
        return render(request, "notify/unsubscribe.html", {"done": False})
    try:
        services.unsubscribe(token)
    except NotFound:
        return render(request, "notify/unsubscribe.html", {"invalid": True}, status=404)
    return render(request, "notify/unsubscribe.html", {"done": True})


# --- The unread count in the header ------------------------------------------------------------


def unread_count(request: HttpRequest, workspace: str) -> HttpResponse:
    """The header's bell, polled by htmx. Polling never shows an error: signed out, or no longer a
    member, the answer is 204 and the bell stays as it is."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    try:
        actor = actor_for(request, workspace)
    except NotFound:
        return HttpResponse(status=204)
    response = render(request, "notify/bell.html", {"unread_count": queries.unread_count(actor)})
    add_never_cache_headers(response)
    return response


# --- The inbox ---------------------------------------------------------------------------------


def _with_titles(notifications: list[Notification]) -> list[Notification]:
    for notification in notifications:
        notification.title = queries.title_of(notification)  # type: ignore[attr-defined]
    return notifications


def _inbox_url(workspace: str, event: str | None, unread: bool) -> str:
    query = urlencode({k: v for k, v in {"event": event or "", "unread": "on" if unread else ""}.items() if v})
    return reverse("notify:inbox", args=[workspace]) + (f"?{query}" if query else "")


@web_view
def inbox(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    page = page_from(request, queries.inbox(actor, **filters))
    context = {
        "form": form,
        "page": page,
        "notifications": _with_titles(page.items),
        "event": filters["event"] or "",
        "unread_only": filters["unread"],
        "filtered": bool(filters["event"] or filters["unread"]),
    }
    return render_page(request, "notify/inbox.html", context, status=422 if form.errors else 200)


@web_view
@require_POST
def open_notification(request: HttpRequest, workspace: str, notification_id: int) -> HttpResponse:
    """Mark read, then go where the notification points: its stored path on this site, nowhere else."""
    actor = actor_for(request, workspace)
    notification = services.mark_read(actor, notification_id)
    target = notification.url
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notify:inbox", workspace)


@web_view
@require_POST
def mark(request: HttpRequest, workspace: str, notification_id: int, read: bool) -> HttpResponse:
    """Mark one read or unread; htmx gets the row again (and the bell, out of band)."""
    actor = actor_for(request, workspace)
    notification = services.mark_read(actor, notification_id, read=read)
    if not is_htmx(request):
        return redirect(safe_next(request, reverse("notify:inbox", args=[workspace])))
    context = {"n": _with_titles([notification])[0], "bell_out_of_band": True}
    return render(request, "notify/inbox.html#notification-row", context)


@web_view
@require_POST
def read_all(request: HttpRequest, workspace: str) -> HttpResponse:
    """Mark every unread notification read, of the filtered type only when the inbox is filtered."""
    actor = actor_for(request, workspace)
    event = request.POST.get("event") or None
    count = services.mark_all_read(actor, event=event)
    if count:
        messages.success(request, _("All marked read."))
    return redirect(_inbox_url(workspace, event, request.POST.get("unread") == "on"))


# --- Preferences -------------------------------------------------------------------------------


@web_view
def preferences(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = PreferencesForm(actor, services.preferences_of(actor), request.POST or None)
    if form.is_valid():
        with form.service_errors():
            services.update_preferences(actor, **form.service_kwargs())
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notify:preferences", workspace)
    return render_page(request, "notify/preferences.html", {"form": form}, status=form.status)


# --- Integrations (staff) ----------------------------------------------------------------------


def _team_choices(actor: "Membership") -> list[tuple[int, str]]:
    return [(team.pk, team.name) for team in teams_for(actor).order_by("name", "id")]


def _event_labels(endpoint: WebhookEndpoint) -> list[str]:
    return [queries.event_label(name) for name in endpoint.events]


@web_view
def integrations(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    endpoints = list(queries.webhooks(actor))
    form = WebhookForm(_team_choices(actor), request.POST or None)
    if form.is_valid():
        with form.service_errors():
            endpoint = services.create_webhook(actor, **form.service_kwargs())
            messages.success(request, _("The webhook “%(name)s” was created.") % {"name": endpoint.name})
            return redirect("notify:webhook", workspace, endpoint.pk)
    last = queries.last_deliveries(actor, [e.pk for e in endpoints])
    rows = [(e, _event_labels(e), last.get(e.pk)) for e in endpoints]
    context = {"rows": rows, "form": form, "tab": "integrations"}
    return render_page(request, "notify/integrations.html", context, status=form.status)


def _delivery_rows(deliveries: list[Delivery]) -> list[Delivery]:
    """Each delivery with the event it carries, by label."""
    for delivery in deliveries:
        if delivery.channel == Channel.DIGEST:
            label: Any = _("Daily digest")
        elif delivery.notification is not None:
            label = queries.event_label(delivery.notification.event)
        else:
            label = queries.event_label(delivery.payload.get("event", ""))
        delivery.event_label = label  # type: ignore[attr-defined]
    return deliveries


def _webhook_page(
    request: HttpRequest, actor: "Membership", endpoint: WebhookEndpoint, form: WebhookForm, status: int = 200
) -> HttpResponse:
    recent = list(queries.deliveries(actor, endpoint_id=endpoint.pk).order_by("-id")[:RECENT_DELIVERIES])
    context = {
        "endpoint": endpoint,
        "event_labels": _event_labels(endpoint),
        "form": form,
        "deliveries": _delivery_rows(recent),
        "tab": "integrations",
    }
    return render_page(request, "notify/webhook.html", context, status=status)


@web_view
def webhook(request: HttpRequest, workspace: str, webhook_id: int) -> HttpResponse:
    """One endpoint: its settings (the POST saves them) and its recent deliveries."""
    actor = actor_for(request, workspace)
    endpoint = queries.get_webhook(actor, webhook_id)
    form = WebhookForm(_team_choices(actor), request.POST or None, endpoint=endpoint)
    if form.is_valid():
        with form.service_errors():
            services.update_webhook(actor, endpoint, **form.service_kwargs())
            messages.success(request, _("Saved."))
            return redirect("notify:webhook", workspace, endpoint.pk)
        endpoint = queries.get_webhook(actor, webhook_id)  # as it is, not as the failed edit left it
    return _webhook_page(request, actor, endpoint, form, form.status)


@web_view
@require_POST
def webhook_test(request: HttpRequest, workspace: str, webhook_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    endpoint = queries.get_webhook(actor, webhook_id)
    services.send_test(actor, endpoint)
    messages.success(request, _("A test message was queued; it is sent within a few seconds."))
    return redirect("notify:webhook", workspace, endpoint.pk)


@web_view
@require_POST
def webhook_delete(request: HttpRequest, workspace: str, webhook_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    endpoint = queries.get_webhook(actor, webhook_id)
    services.delete_webhook(actor, endpoint)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": endpoint.name})
    return redirect("notify:integrations", workspace)


# --- Failed deliveries (staff) -----------------------------------------------------------------


@web_view
def deliveries(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = DeliveryFilterForm(request.GET)
    status = form.status_filter()
    page = page_from(request, queries.deliveries(actor, status=status))
    context = {
        "form": form,
        "page": page,
        "deliveries": _delivery_rows(page.items),
        "status": status,
        "dead": DeliveryStatus.DEAD,
        "tab": "deliveries",
    }
    return render_page(request, "notify/deliveries.html", context, status=422 if form.errors else 200)


@web_view
@require_POST
def retry(request: HttpRequest, workspace: str, delivery_id: int) -> HttpResponse:
    actor = actor_for(request, workspace)
    services.retry_delivery(actor, queries.get_delivery(actor, delivery_id))
    messages.success(request, _("The delivery will be tried again."))
    return redirect(safe_next(request, reverse("notify:deliveries", args=[workspace])))


# --- Reminder settings (staff) -----------------------------------------------------------------


@web_view
def reminders(request: HttpRequest, workspace: str) -> HttpResponse:
    actor = actor_for(request, workspace)
    form = ReminderSettingsForm(queries.reminders_of(actor), request.POST or None)
    if form.is_valid():
        with form.service_errors():
            services.update_reminder_settings(actor, **form.cleaned_data)
            messages.success(request, _("The reminder settings were saved."))
            return redirect("notify:reminders", workspace)
    return render_page(request, "notify/reminders.html", {"form": form, "tab": "reminders"}, status=form.status)


N = "w/<slug:workspace>/notifications/"
S = "w/<slug:workspace>/settings/"
urlpatterns = [
    path("notifications/unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
    path(N, inbox, name="inbox"),
    path(N + "unread/", unread_count, name="unread_count"),
    path(N + "read/", read_all, name="read_all"),
    path(N + "preferences/", preferences, name="preferences"),
    path(N + "<int:notification_id>/open/", open_notification, name="open"),
    path(N + "<int:notification_id>/read/", mark, {"read": True}, name="mark_read"),
    path(N + "<int:notification_id>/unread/", mark, {"read": False}, name="mark_unread"),
    path(S + "integrations/", integrations, name="integrations"),
    path(S + "integrations/<int:webhook_id>/", webhook, name="webhook"),
    path(S + "integrations/<int:webhook_id>/test/", webhook_test, name="webhook_test"),
    path(S + "integrations/<int:webhook_id>/delete/", webhook_delete, name="webhook_delete"),
    path(S + "deliveries/", deliveries, name="deliveries"),
    path(S + "deliveries/<int:delivery_id>/retry/", retry, name="delivery_retry"),
    path(S + "reminders/", reminders, name="reminders"),
]
