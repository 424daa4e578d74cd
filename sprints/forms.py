"""Web forms of sprints. Field names are the services' keyword names."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from sprints.models import RetroColumn, Sprint


def date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class SprintForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    goal = forms.CharField(label=_("Goal"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    start_date = date_field(_("Start date"))
    end_date = date_field(_("End date"))


class SprintEditForm(SprintForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, sprint: Sprint, *args: Any, **kwargs: Any) -> None:
        initial = {
            "name": sprint.name,
            "goal": sprint.goal,
            "start_date": sprint.start_date,
            "end_date": sprint.end_date,
            "version": sprint.version,
        }
        super().__init__(*args, initial=initial, **kwargs)


class CapacityForm(ServiceForm):
    user_id = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.DecimalField(label=_("Days available"), min_value=0, max_value=366, decimal_places=1)
    focus = forms.DecimalField(
        label=_("Focus factor"),
        min_value=0,
        max_value=1,
        decimal_places=2,
        initial=0.7,
        help_text=_("Between 0 and 1: the share of a day spent on sprint work."),
    )


class IdsField(forms.Field):
    """Several ids of one name (checkboxes); which of them the actor may use is the service's check."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            ids = [int(v) for v in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose items from the list.")) from None
        if not ids:
            raise forms.ValidationError(_("Check at least one item."))
        if len(ids) > 200 or not all(1 <= i <= 2**53 for i in ids):
            raise forms.ValidationError(_("Choose items from the list."))
        return ids


class PullForm(ServiceForm):
    item_ids = IdsField(label=_("Items"))


class CloseForm(ServiceForm):
    carry_over_to = forms.TypedChoiceField(
        label=_("Move unfinished items to"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, targets: list[Sprint], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices(
            "carry_over_to", [("", _("A new sprint over the next two weeks")), *[(s.pk, s.name) for s in targets]]
        )


class RetroNoteForm(ServiceForm):
    column = forms.ChoiceField(label=_("Column"), choices=RetroColumn.choices)
    text = forms.CharField(label=_("Note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class RetroEditForm(RetroNoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
