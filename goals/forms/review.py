"""Web forms of the end of a cycle: the live SMART check, scores, the OKR review, the report."""

from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from goals.models import Metric

SMART_FIELDS = (
    "kind",
    "title",
    "owner_id",
    "metric",
    "start_value",
    "target_value",
    "due_date",
    "cycle_id",
    "objective_id",
    "key_result_id",
)
# What the objective and key-result forms may call their fields: the check reads either name.
ALIASES = {"owner": "owner_id", "cycle": "cycle_id", "objective": "objective_id", "parent_id": None}


def smart_data(data: QueryDict) -> dict[str, Any]:
    """The fields of whichever form asks (any prefix: `new-title` is `title`), by the check's names."""
    found: dict[str, Any] = {}
    for key in data:
        name = key.rsplit("-", 1)[-1]
        name = ALIASES.get(name, name) or ""
        if name in SMART_FIELDS and name not in found:
            found[name] = data.get(key)
    return found


class SmartCheckForm(forms.Form):
    """What a form holds now. A value that does not parse counts as missing: a hint never fails."""

    kind = forms.ChoiceField(choices=[("objective", "objective"), ("key_result", "key_result")], required=False)
    title = forms.CharField(max_length=300, required=False, strip=True)
    owner_id = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    metric = forms.ChoiceField(choices=Metric.choices, required=False)
    start_value = forms.DecimalField(required=False, max_digits=18, decimal_places=4)
    target_value = forms.DecimalField(required=False, max_digits=18, decimal_places=4)
    due_date = forms.DateField(required=False)
    cycle_id = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    objective_id = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    key_result_id = forms.IntegerField(required=False, min_value=1, max_value=2**53)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {name: cleaned.get(name) for name in self.fields if name not in self.errors}
        kind = values.pop("kind", None) or ("key_result" if self.data.get("metric") else "objective")
        values["title"] = values.get("title") or str(self.data.get("title", ""))[:300]
        if kind == "key_result" and values.get("start_value") is None:
            values["start_value"] = Decimal(0)
        return {"kind": kind, **values}


# --- The OKR review page ---------------------------------------------------------------------------

KEY_RESULT_INPUTS = ("version", "value", "confidence", "note", "self_score", "review_score")
OBJECTIVE_INPUTS = ("version", "self_assessment", "review_note")


def review_rows(objectives: list[Any]) -> list[dict[str, Any]]:
    """The page's rows in order, each an objective or a key result with the prefix of its inputs
    (`o12-`, `k34-`): row n of the page is entry n of the review."""
    rows: list[dict[str, Any]] = []
    for objective in objectives:
        for obj, kind, prefix in [(objective, "objective", f"o{objective.pk}")] + [
            (kr, "key_result", f"k{kr.pk}") for kr in objective.results
        ]:
            row = {"kind": kind, "obj": obj, "prefix": prefix, "errors": {}, "posted": {}}
            obj.row = row  # the template reads each object's row
            rows.append(row)
    return rows


def review_entries(rows: list[dict[str, Any]], data: QueryDict) -> list[dict[str, Any]]:
    """The entries of the review from the posted page: only the inputs the page sent (an input the
    actor may not change is not on the page)."""
    entries = []
    for row in rows:
        kind, prefix = row["kind"], row["prefix"]
        names = KEY_RESULT_INPUTS if kind == "key_result" else OBJECTIVE_INPUTS
        entry: dict[str, Any] = {f"{kind}_id": row["obj"].pk}
        for name in names:
            key = f"{prefix}-{name}"
            if key in data:
                entry[name] = data.get(key, "")
        if "version" in entry:
            version = str(entry["version"])
            entry["version"] = int(version) if version.isdigit() and len(version) < 10 else None
        entries.append(entry)
    return entries


def attach_errors(rows: list[dict[str, Any]], errors: dict[str, list[str]]) -> list[str]:
    """Put `entries.<n>.<field>` errors on their rows; return the others (and a summary line per row)."""
    summary: list[str] = []
    for key, messages in errors.items():
        parts = key.split(".", 2)
        if len(parts) == 3 and parts[0] == "entries" and parts[1].isdigit() and int(parts[1]) < len(rows):
            row = rows[int(parts[1])]
            row["errors"][parts[2]] = messages
            summary.extend(f"{row['obj']}: {m}" for m in messages)
        else:
            summary.extend(messages)
    return summary


def posted_values(rows: list[dict[str, Any]], data: QueryDict) -> None:
    """After an error, the page shows what was typed, not what is stored."""
    for row in rows:
        names = KEY_RESULT_INPUTS if row["kind"] == "key_result" else OBJECTIVE_INPUTS
        row["posted"] = {name: data.get(f"{row['prefix']}-{name}") for name in names}


class ReportFormatForm(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")])


def cells(rows: list[dict[str, Any]]) -> None:
    """The score and assessment inputs of each row, with what to show: the typed value after an
    error, else the stored one; the field's errors; whether the actor may change it."""
    for row in rows:
        obj = row["obj"]
        if row["kind"] == "key_result":
            fields = [
                ("self_score", obj.may_self_score, _("Self-score of %(title)s")),
                ("review_score", obj.may_review, _("Reviewer's score of %(title)s")),
            ]
            obj.score_cells = [_cell(row, name, may, str(label) % {"title": obj.title}) for name, may, label in fields]
        else:
            obj.depth_marker = "└" * obj.depth
            fields = [
                ("self_assessment", obj.may_self_assess, _("Owner's self-assessment")),
                ("review_note", obj.may_review, _("Reviewer's assessment")),
            ]
            obj.assessment_cells = [_cell(row, name, may, str(label)) for name, may, label in fields]


def _cell(row: dict[str, Any], name: str, may: bool, label: str) -> dict[str, Any]:
    current = getattr(row["obj"], name)
    typed = row["posted"].get(name)
    return {
        "name": name,
        "id": f"{row['prefix']}-{name}",
        "may": may,
        "current": current,
        "value": typed if typed is not None else ("" if current is None else current),
        "errors": row["errors"].get(name, []),
        "label": label,
    }
