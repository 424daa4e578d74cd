"""Web forms of releases, planning, the roadmap and share links. Field names are the services'
keyword names, so the services' field errors land next to their field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from core.widgets import KeyPicker
from product.models import Horizon, Release, ReleaseStatus
from product.queries.roadmap import DEFAULT_SPAN, MAX_SPAN, SCALES

# What a release's status may be set to by hand: it ships through the Ship button.
OPEN_STATUSES = [
    (ReleaseStatus.PLANNED.value, ReleaseStatus.PLANNED.label),
    (ReleaseStatus.IN_PROGRESS.value, ReleaseStatus.IN_PROGRESS.label),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ReleaseFields(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("A version, such as 2.4 or “Spring release”."))
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    target_date = forms.DateField(label=_("Target date"), widget=DateInput)
    horizon = forms.ChoiceField(label=_("Lane"), choices=Horizon.choices, initial=Horizon.SHORT_TERM)
    description = forms.CharField(
        label=_("Description"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReleaseForm(ReleaseFields):
    """A new release of one of the workspace's products."""

    product_id = forms.TypedChoiceField(label=_("Product"), coerce=int)

    def __init__(self, products: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="new", **kwargs)
        self.set_choices("product_id", products)
        self.order_fields(["product_id", "name", "theme", "start_date", "target_date", "horizon", "description"])


class ReleaseEditForm(ReleaseFields):
    """A release's fields, edited at the version they were read at."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, release: Release, *args: Any, **kwargs: Any) -> None:
        names = ["name", "theme", "start_date", "target_date", "horizon", "description", "status", "version"]
        initial = {name: getattr(release, name) for name in names}
        super().__init__(*args, initial=initial, **kwargs)
        if release.status != ReleaseStatus.SHIPPED:
            # Added here: a class attribute `status` would hide ServiceForm.status (the HTTP status).
            self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=OPEN_STATUSES)
        self.order_fields(names)


class PlanForm(ServiceForm):
    key = forms.CharField(
        label=_("Requirement key"),
        max_length=20,
        help_text=_("Such as REQ-12: a requirement of this release's product."),
        widget=KeyPicker(types=["requirement"]),
    )


class ShareForm(ServiceForm):
    product_id = forms.TypedChoiceField(label=_("Product"), coerce=int)
    label = forms.CharField(
        label=_("Label"), max_length=100, required=False, help_text=_("Whom the link is for, such as “Investors”.")
    )

    def __init__(self, products: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, prefix="share", **kwargs)
        self.set_choices("product_id", products)


class ReleaseFilterForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, products: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        assert isinstance(product, forms.ChoiceField)
        product.choices = [("", _("All products")), *products]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", _("All statuses")), *ReleaseStatus.choices]


SCALE_LABELS = {"month": _("Month"), "quarter": _("Quarter")}


class RoadmapForm(forms.Form):
    """The roadmap's window: product, scale, first month and number of periods (all optional)."""

    product = forms.TypedChoiceField(label=_("Product"), coerce=int, required=False, empty_value=None)
    scale = forms.ChoiceField(label=_("Scale"), choices=[(s, SCALE_LABELS[s]) for s in SCALES], required=False)
    start = forms.RegexField(
        label=_("From"), regex=r"^[0-9]{4}-[0-9]{2}$", required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    span = forms.IntegerField(label=_("Periods"), min_value=1, max_value=max(MAX_SPAN.values()), required=False)

    def __init__(self, products: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        product = self.fields["product"]
        assert isinstance(product, forms.ChoiceField)
        product.choices = [("", _("All products")), *products]
        span = self.fields["span"]
        span.help_text = _("Up to %(months)s months or %(quarters)s quarters.") % {
            "months": MAX_SPAN["month"],
            "quarters": MAX_SPAN["quarter"],
        }
        span.widget.attrs["placeholder"] = str(DEFAULT_SPAN["month"])
