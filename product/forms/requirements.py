"""Web forms of products and requirements. Field names are the services' keyword names
(product.services.products, product.services.requirements), so the services' field errors land next to their field."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from core.widgets import KeyPicker, PickerSelect
from product import scoring
from product.models import Kano, MoSCoW, RequirementStatus, RequirementType, ScoringModel, Source
from product.queries import CHOICE_FILTERS, SORTS

NONE = ("", "—")
ANALYSIS_LABELS = {
    "feasibility": _("Feasibility (1–5)"),
    "market_potential": _("Market potential (1–5)"),
    "user_value": _("User-business value (1, 2, 3, 5, 8, 13, 20)"),
    "effort": _("Effort (person-months)"),
    "reach": _("Reach (people a quarter)"),
    "impact": _("Impact (0.25–3)"),
    "confidence": _("Confidence (%)"),
    "time_criticality": _("Time criticality (1, 2, 3, 5, 8, 13, 20)"),
    "risk_reduction": _("Risk reduction / opportunity enablement (1, 2, 3, 5, 8, 13, 20)"),
    "job_size": _("Job size (1, 2, 3, 5, 8, 13, 20)"),
    "moscow": _("MoSCoW"),
    "kano": _("Kano category"),
}
RELATIVE_HELP = _("WSJF, relative to the other requirements: give the smallest 1 and size the rest against it.")
ANALYSIS_HELP = {
    "feasibility": _("1 hard to build, 5 easy."),
    "market_potential": _("1 small, 5 large."),
    "user_value": RELATIVE_HELP,
    "effort": _("RICE: person-months of work from everyone involved; 0.5 is two weeks, 0.25 one week."),
    "reach": _("RICE: people or events it reaches in a quarter."),
    "impact": _("RICE: how much it moves each person reached."),
    "confidence": _("RICE: how sure the estimates are, 0–100 %."),
    "time_criticality": RELATIVE_HELP,
    "risk_reduction": RELATIVE_HELP,
    "job_size": RELATIVE_HELP,
}
IMPACT_CHOICES = [
    NONE,
    ("0.25", _("0.25 – minimal")),
    ("0.5", _("0.5 – low")),
    ("1", _("1 – medium")),
    ("2", _("2 – high")),
    ("3", _("3 – massive")),
]
_TAG_SPLIT = re.compile(r"[,，、]")


def _text(label: Any, rows: int = 3, max_length: int = 20000) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


def _id_choice(label: Any, *, required: bool = False, widget: forms.Widget | None = None) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, coerce=int, empty_value=None, required=required, widget=widget)


def _person(label: Any) -> forms.TypedChoiceField:
    return _id_choice(label, required=True, widget=PickerSelect(types=["member"]))


def _bounded(name: str) -> forms.IntegerField:
    low, high = scoring.RANGES[name]
    return forms.IntegerField(
        label=ANALYSIS_LABELS[name],
        help_text=ANALYSIS_HELP[name],
        required=False,
        min_value=int(low),
        max_value=int(high),
    )


def _relative(name: str) -> forms.TypedChoiceField:
    """One of WSJF's inputs: a step of the relative scale, or empty."""
    return forms.TypedChoiceField(
        label=ANALYSIS_LABELS[name],
        help_text=ANALYSIS_HELP[name],
        required=False,
        choices=[NONE, *((step, str(step)) for step in scoring.RELATIVE_SCALE)],
        coerce=int,
        empty_value=None,
    )


# --- Products ------------------------------------------------------------------------------------


class ProductForm(ServiceForm):
    """A product, new or edited (then at the version it was read at)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    vision = _text(_("Vision"))
    target_users = _text(_("Target users"))
    goals = _text(_("Product goals"), rows=4)
    owner_id = _person(_("Owner"))
    form_enabled = forms.BooleanField(
        label=_("Public feedback form"),
        required=False,
        help_text=_("Anyone with the form's address can send feedback about this product, without signing in."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("owner_id", people)
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ModuleForm(ServiceForm):
    name = forms.CharField(label=_("New module"), max_length=100)


class ProductSettingsForm(ServiceForm):
    scoring_model = forms.ChoiceField(
        label=_("Scoring model"),
        choices=ScoringModel.choices,
        help_text=_("Ranks the backlog. Every requirement is rescored when it changes."),
    )
    demand_weight = forms.DecimalField(
        label=_("Demand weight"),
        min_value=0,
        max_value=10,
        max_digits=4,
        decimal_places=2,
        help_text=_(
            "How much the number of distinct customers behind a requirement raises its score: the score is "
            "multiplied by 1 + weight × log2(1 + customers). 0 leaves scores alone; with 0.1, one customer "
            "adds a tenth and three customers add a fifth."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- Requirements --------------------------------------------------------------------------------


class RequirementForm(ServiceForm):
    """A requirement, new (with its product) or edited at the version it was read at. The analysis
    fields feed the scores; an empty field is a missing input."""

    product_id = _id_choice(_("Product"), required=True)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description (PRD)"),
        required=False,
        strip=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown. Every version is kept and can be compared with any other."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=RequirementType.choices, initial=RequirementType.FEATURE)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.INTERNAL)
    module_id = _id_choice(_("Module"))
    owner_id = _person(_("Owner"))
    proposer_id = _person(_("Proposer"))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000, help_text=_("Separated by commas."))
    feasibility = _bounded("feasibility")
    market_potential = _bounded("market_potential")
    user_value = _relative("user_value")
    effort = forms.DecimalField(
        label=ANALYSIS_LABELS["effort"],
        help_text=ANALYSIS_HELP["effort"],
        required=False,
        min_value=0,
        max_value=99999,
        decimal_places=2,
    )
    reach = _bounded("reach")
    impact = forms.TypedChoiceField(
        label=ANALYSIS_LABELS["impact"],
        help_text=ANALYSIS_HELP["impact"],
        required=False,
        choices=IMPACT_CHOICES,
        coerce=str,
        empty_value=None,
    )
    confidence = _bounded("confidence")
    time_criticality = _relative("time_criticality")
    risk_reduction = _relative("risk_reduction")
    job_size = _relative("job_size")
    moscow = forms.ChoiceField(label=ANALYSIS_LABELS["moscow"], required=False, choices=[NONE, *MoSCoW.choices])
    kano = forms.ChoiceField(label=ANALYSIS_LABELS["kano"], required=False, choices=[NONE, *Kano.choices])
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    BASICS = ("product_id", "title", "description", "type", "source", "module_id", "owner_id", "proposer_id", "tags")
    ANALYSIS = tuple(ANALYSIS_LABELS)

    def __init__(
        self,
        *args: Any,
        choices: dict[str, list[tuple[Any, Any]]],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("product_id", choices["product"])
        self.set_choices("module_id", [NONE, *choices["module"]])
        self.set_choices("owner_id", choices["owner"])
        self.set_choices("proposer_id", choices["owner"])
        if editing:
            del self.fields["product_id"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]

    def clean_description(self) -> str:
        # Browsers send line breaks as CR LF: kept as they are, every save would look like an edit.
        return str(self.cleaned_data.get("description") or "").replace("\r\n", "\n").replace("\r", "\n")

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in _TAG_SPLIT.split(self.cleaned_data.get("tags") or "") if t.strip()]

    def basics(self) -> list[forms.BoundField]:
        return [self[name] for name in self.BASICS if name in self.fields]

    def analysis(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ANALYSIS]

    def service_kwargs(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("product_id", None)
        values.pop("version", None)
        return values


def requirement_initial(requirement: Any) -> dict[str, Any]:
    """The edit form's values from a requirement."""
    initial = {name: getattr(requirement, name) for name in RequirementForm.ANALYSIS}
    initial |= {
        "title": requirement.title,
        "description": requirement.description,
        "type": requirement.type,
        "source": requirement.source,
        "module_id": requirement.module_id,
        "owner_id": requirement.owner_id,
        "proposer_id": requirement.proposer_id,
        "tags": ", ".join(requirement.tags),
        "impact": "" if requirement.impact is None else f"{requirement.impact.normalize():f}",
        "version": requirement.version,
    }
    return initial


class TransitionForm(ServiceForm):
    """One button per allowed status; a reason where the move needs one (and where one is given)."""

    # The form's metaclass takes declared fields off the class: `form.status` stays ServiceForm's
    # HTTP status, while `form["status"]` is this field.
    status = forms.ChoiceField(label=_("New status"))  # type: ignore[assignment]
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject, to ask for clarification and to close."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_choices("status", [(t, RequirementStatus(t).label) for t in targets])


class LinkItemForm(ServiceForm):
    item_key = forms.CharField(
        label=_("Work item key"),
        max_length=20,
        help_text=_("For example APP-12: an item of a project you can see."),
        widget=KeyPicker(types=["work_item"]),
    )


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Older version"), coerce=int)
    b = forms.TypedChoiceField(label=_("Newer version"), coerce=int)

    def __init__(self, *args: Any, versions: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            field: Any = self.fields[name]
            field.choices = versions


class BacklogFilterForm(forms.Form):
    """The backlog's filters as a GET form; values are checked by product.queries.check_query."""

    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    product = forms.ChoiceField(label=_("Product"), required=False)
    module = forms.ChoiceField(label=_("Module"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    release = forms.ChoiceField(label=_("Release"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Order"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, Any]]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        anything = ("", _("Any"))
        self._set("product", [anything, *choices["product"]])
        self._set("module", [anything, *choices["module"]])
        self._set("owner", [anything, *choices["owner"]])
        self._set("release", [anything, ("none", _("Not planned")), *choices["release"]])
        for name, categories in CHOICE_FILTERS.items():
            self._set(name, [anything, *categories.choices])
        self._set("sort", list(SORTS.items()))
        self.fields["text"].widget.attrs |= {"type": "search", "data-shortcut-search": ""}
        # Always one order: nothing to clear; the default one stays out of the URL.
        self.fields["sort"].widget.attrs |= {"data-chip-fixed": "", "data-chip-default": "score"}

    def _set(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field: Any = self.fields[name]
        field.choices = choices


class QuickRequirementForm(ServiceForm):
    """The quick-create dialog of a requirement: product, title, owner and type; the rest is
    filled in on its page."""

    product_id = _id_choice(_("Product"), required=True)
    title = forms.CharField(label=_("Title"), max_length=300)
    owner_id = _id_choice(_("Owner"), required=True)
    type = forms.ChoiceField(label=_("Type"), choices=RequirementType.choices, initial=RequirementType.FEATURE)
    create_more = forms.BooleanField(label=_("Create more"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[Any, Any]]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "quick-%s")  # the page behind may have a form with the same fields
        super().__init__(*args, **kwargs)
        self.set_choices("product_id", choices["product"])
        self.set_choices("owner_id", choices["owner"])
        self.fields["title"].widget.attrs |= {"autofocus": "", "autocomplete": "off"}

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "owner_id", "type")}
