"""Web forms of feedback: the inbox's filters and bulk actions, recording and editing feedback,
links to requirements, imports and the public form. Field names are the services' keyword names."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from core.widgets import KeyPicker
from product.models import FeedbackChannel, FeedbackKind, FeedbackStatus, Segment, Sentiment
from product.services.feedback import MAX_CONTENT, MAX_PUBLIC_CONTENT

ANY = ("", _("Any"))
# The inbox's status filter that shows every status (no status at all shows new feedback).
ANY_STATUS = "any"
NONE = ("", "—")


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class TagsField(forms.CharField):
    """Tags typed as one line, separated by commas (, or ，)."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [t.strip() for t in text.replace("，", ",").split(",") if t.strip()]

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value


class FeedbackFilterForm(forms.Form):
    """The inbox's filters as a GET form; values are checked by queries_feedback.check_query."""

    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    product = forms.ChoiceField(label=_("Product"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sentiment = forms.ChoiceField(label=_("Sentiment"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    requirement = forms.CharField(label=_("Requirement"), required=False, max_length=20)

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _set_choices(self, "status", [(ANY_STATUS, _("Any")), *FeedbackStatus.choices])
        _set_choices(self, "product", [ANY, *products])
        _set_choices(self, "channel", [ANY, *FeedbackChannel.choices])
        _set_choices(self, "kind", [ANY, *FeedbackKind.choices])
        _set_choices(self, "sentiment", [ANY, *Sentiment.choices])
        _set_choices(self, "segment", [ANY, *Segment.choices])
        self.fields["text"].widget.attrs |= {"type": "search", "data-shortcut-search": ""}
        self.fields["requirement"].widget.attrs |= {"placeholder": "REQ-12"}
        self.fields["status"].widget.attrs |= {"data-chip-fixed": ""}  # "Any" is a choice: nothing to clear


class BulkForm(forms.Form):
    """The inbox's action bar: each action has its own button (`action`), and takes its value from
    its own field."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    requirement = forms.CharField(
        label=_("Link to requirement"), required=False, max_length=20, widget=KeyPicker(types=["requirement"])
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        _set_choices(self, "status", list(FeedbackStatus.choices))
        self.fields["status"].widget.attrs |= {"data-bulk-status": ""}
        self.fields["tag"].widget.attrs |= {"data-bulk-tag": ""}
        self.fields["requirement"].widget.attrs |= {"data-bulk-link": "", "placeholder": "REQ-12"}


WHOSE = [
    ("", _("Mine when no customer is named")),
    ("yes", _("Mine: tell me when it ships")),
    ("no", _("Not mine")),
]


class FeedbackForm(ServiceForm):
    """Record or edit feedback. The customer is found again by email, else by name and company."""

    product_id = forms.TypedChoiceField(label=_("Product"), coerce=int)
    channel = forms.ChoiceField(label=_("Channel"), choices=FeedbackChannel.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=FeedbackKind.choices, initial=FeedbackKind.SUGGESTION)
    sentiment = forms.ChoiceField(label=_("Sentiment"), choices=[NONE, *Sentiment.choices], required=False)
    content = forms.CharField(
        label=_("Content"), max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 6}), strip=True
    )
    tags = TagsField(label=_("Tags"), required=False, max_length=1000, help_text=_("Separate tags with commas."))
    customer_name = forms.CharField(label=_("Customer name"), required=False, max_length=200)
    customer_email = forms.EmailField(label=_("Customer email"), required=False, max_length=254)
    customer_company = forms.CharField(label=_("Company"), required=False, max_length=200)
    customer_segment = forms.ChoiceField(label=_("Segment"), choices=[NONE, *Segment.choices], required=False)
    as_myself = forms.ChoiceField(label=_("Whose feedback is it?"), choices=WHOSE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, products: list[tuple[int, str]], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        _set_choices(self, "product_id", products)
        if editing:
            self.fields["version"].required = True
            _set_choices(self, "as_myself", [("", _("Leave as it is")), *WHOSE[1:]])

    def service_kwargs(self) -> dict[str, Any]:
        """The create or update service's keywords (the version apart)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        whose = data.pop("as_myself", "")
        if whose in ("yes", "no"):
            data["as_myself"] = whose == "yes"
        return data


class StatusForm(ServiceForm):
    """A status button: `target` is the status to move to (`status` is the form's answer code)."""

    target = forms.ChoiceField(label=_("Status"), choices=FeedbackStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class LinkForm(ServiceForm):
    requirement = forms.CharField(
        label=_("Requirement"),
        max_length=20,
        help_text=_("Its key or number, such as REQ-12."),
        widget=KeyPicker(types=["requirement"], attrs={"placeholder": "REQ-12"}),
    )


class ImportForm(ServiceForm):
    product_id = forms.TypedChoiceField(label=_("Product"), coerce=int)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GBK) or Excel (.xlsx), at most 2 MB and 5,000 rows, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    channel = forms.ChoiceField(label=_("Channel for rows without one"), required=False)

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "product_id", products)
        _set_choices(self, "channel", [NONE, *FeedbackChannel.choices])


class PublicFeedbackForm(ServiceForm):
    """The public form. `website` is a trap for robots: people leave it empty (it is hidden)."""

    content = forms.CharField(
        label=_("Your feedback"), max_length=MAX_PUBLIC_CONTENT, widget=forms.Textarea(attrs={"rows": 8})
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=FeedbackKind.choices, initial=FeedbackKind.SUGGESTION, required=False
    )
    name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        help_text=_("Optional: we write to you when it ships."),
    )
    company = forms.CharField(label=_("Company"), required=False, max_length=200)
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class QuickFeedbackForm(ServiceForm):
    """The quick-create dialog of feedback: product, what was said, channel, kind and who said it."""

    product_id = forms.TypedChoiceField(label=_("Product"), coerce=int)
    content = forms.CharField(
        label=_("Content"), max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 3}), strip=True
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=FeedbackChannel.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=FeedbackKind.choices, initial=FeedbackKind.SUGGESTION)
    customer_name = forms.CharField(label=_("Customer name"), required=False, max_length=200)
    create_more = forms.BooleanField(label=_("Create more"), required=False)

    def __init__(self, *args: Any, products: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "quick-%s")  # the page behind may have a form with the same fields
        super().__init__(*args, **kwargs)
        _set_choices(self, "product_id", products)
        self.fields["content"].widget.attrs |= {"autofocus": ""}

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("product_id", "content", "channel", "kind", "customer_name")}
