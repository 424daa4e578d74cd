"""Web forms of notifications. Field names are the services' keyword names (or the names of the
service's field errors), so that a service's error lands on its field."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import time_zone_choices
from core.forms import ServiceForm
from notify import queries
from notify.models import DeliveryStatus, EmailMode, Preferences, ReminderSettings, WebhookEndpoint, WebhookKind

if TYPE_CHECKING:
    from accounts.models import Membership

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def event_choices() -> list[tuple[str, Any]]:
    return [(e.name, e.label) for e in queries.listed_events()]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


# --- The inbox ---------------------------------------------------------------------------------


class InboxFilterForm(forms.Form):
    """The inbox's filters from the query string."""

    event = forms.ChoiceField(label=_("Type"), required=False)
    unread = forms.BooleanField(label=_("Unread only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("All types")), *event_choices()]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """What the query asks for, or no filter at all when it names something unknown."""
        if not self.is_valid():
            return {"event": None, "unread": False}
        return {"event": self.cleaned_data["event"] or None, "unread": self.cleaned_data["unread"]}


# --- Preferences -------------------------------------------------------------------------------


def inbox_field(name: str) -> str:
    return f"events.{name}.inbox"


def email_field(name: str) -> str:
    return f"events.{name}.email"


class PreferencesForm(ServiceForm):
    """One inbox checkbox and one email choice per event (named as the service names their errors),
    the quiet hours and the digest hour."""

    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False, widget=TimeInput())
    quiet_end = forms.TimeField(label=_("Quiet hours until"), required=False, widget=TimeInput())
    digest_hour = forms.TypedChoiceField(label=_("Daily digest at"), coerce=int, choices=HOURS)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, actor: "Membership", preferences: Preferences, *args: Any, **kwargs: Any) -> None:
        self.table = queries.preference_table(actor, preferences)
        initial: dict[str, Any] = {
            "quiet_start": preferences.quiet_start,
            "quiet_end": preferences.quiet_end,
            "digest_hour": preferences.digest_hour,
            "version": preferences.version,
        }
        super().__init__(*args, initial=initial, **kwargs)
        for row in self.table:
            name, label = row.event.name, cast(str, row.event.label)
            self.fields[inbox_field(name)] = forms.BooleanField(label=label, required=False)
            self.fields[email_field(name)] = forms.ChoiceField(label=label, choices=EmailMode.choices)
            self.initial[inbox_field(name)] = row.inbox
            self.initial[email_field(name)] = row.email.value

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """(label, inbox field, email field) of each event, for the table."""
        return [
            (row.event.label, self[inbox_field(row.event.name)], self[email_field(row.event.name)])
            for row in self.table
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        events = {
            row.event.name: {"inbox": data[inbox_field(row.event.name)], "email": data[email_field(row.event.name)]}
            for row in self.table
        }
        return {
            "version": data["version"],
            "events": events,
            "quiet_start": data["quiet_start"],
            "quiet_end": data["quiet_end"],
            "digest_hour": data["digest_hour"],
        }


# --- Webhooks ----------------------------------------------------------------------------------


class WebhookForm(ServiceForm):
    """Creates an endpoint, or edits one (then with the version it was read at; an empty secret
    keeps the one it has)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=WebhookKind.choices)
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        help_text=_("The robot's or receiver's address, as the chat application shows it."),
        widget=forms.URLInput,
    )
    secret = forms.CharField(
        label=_("Secret"),
        required=False,
        max_length=200,
        strip=False,
        help_text=_("Signs each request (DingTalk and Feishu signing secret; signed webhooks). Optional."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None checked: every event."),
    )
    team_id = forms.TypedChoiceField(label=_("Team"), coerce=int, empty_value=None, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    active = forms.BooleanField(label=pgettext_lazy("webhook", "Active"), required=False, initial=True)

    def __init__(
        self,
        teams: list[tuple[int, str]],
        *args: Any,
        endpoint: WebhookEndpoint | None = None,
        **kwargs: Any,
    ) -> None:
        self.endpoint = endpoint
        if endpoint is not None:
            kwargs["initial"] = {
                "name": endpoint.name,
                "kind": endpoint.kind,
                "url": endpoint.url,
                "events": endpoint.events,
                "team_id": endpoint.team_id,
                "language": endpoint.language,
                "active": endpoint.active,
                "version": endpoint.version,
            }
        super().__init__(*args, **kwargs)
        self.set_choices("events", event_choices())
        self.set_choices("team_id", [("", _("Whole workspace")), *teams])
        if endpoint is not None:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["secret"].help_text = _("Leave empty to keep the current secret.")

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if self.endpoint is not None and not data["secret"]:
            del data["secret"]  # kept
        return data

    def conflict_values(self) -> list[tuple[Any, Any]]:
        """The current state after a conflict, without the secret (never shown again)."""
        if self.conflict:
            self.conflict = {k: v for k, v in self.conflict.items() if k != "secret"}
        return super().conflict_values()


# --- Failed deliveries and reminders -----------------------------------------------------------

ALL = "all"


class DeliveryFilterForm(forms.Form):
    """The status to list: failed ones unless the query string asks for another (or all)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (DeliveryStatus.DEAD.value, DeliveryStatus.DEAD.label),
            *[(value, label) for value, label in DeliveryStatus.choices if value != DeliveryStatus.DEAD],
            (ALL, _("All statuses")),
        ],
    )

    def __init__(self, data: QueryDict, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        if not data.get("status"):
            data = data.copy()
            data["status"] = DeliveryStatus.DEAD.value
        super().__init__(data, **kwargs)

    def status_filter(self) -> str | None:
        status = self.cleaned_data["status"] if self.is_valid() else DeliveryStatus.DEAD.value
        return None if status == ALL else status


class ReminderSettingsForm(ServiceForm):
    """Ranges are the service's, so that its messages name the field."""

    due_soon_days = forms.IntegerField(
        label=_("Remind owners this many days before the due date"),
        help_text=_("0 reminds on the due date only."),
    )
    escalate_after_days = forms.IntegerField(
        label=_("Tell the department head after this many days overdue"),
    )
    checkin_weekday = forms.TypedChoiceField(label=_("Weekly check-in day"), coerce=int, choices=WEEKDAYS)
    checkin_hour = forms.TypedChoiceField(label=_("Weekly check-in hour"), coerce=int, choices=HOURS)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=(),
        help_text=_("Days and hours of reminders are counted in this time zone."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, current: ReminderSettings, *args: Any, **kwargs: Any) -> None:
        initial = {
            "due_soon_days": current.due_soon_days,
            "escalate_after_days": current.escalate_after_days,
            "checkin_weekday": current.checkin_weekday,
            "checkin_hour": current.checkin_hour,
            "time_zone": current.time_zone,
            "version": current.version,
        }
        super().__init__(*args, initial=initial, **kwargs)
        # The curated list, with the stored zone kept even when it is an alias no longer listed.
        self.fields["time_zone"].choices = time_zone_choices(current.time_zone)  # type: ignore[attr-defined]
