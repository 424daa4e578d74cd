"""Backup and restore of one workspace: every row that belongs to it, as JSON, and the files of its
attachments (base64 under `files`, by stored name, trashed ones included).

A model belongs to a workspace through a `workspace` foreign key, or through a foreign key to a
model that has one (team members, mentions). Users are included when they are members.
"""

import base64
import binascii
import datetime
import gzip
import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from accounts.models import Membership, User, Workspace
from core import attachments
from core.errors import ValidationFailed
from core.models import Attachment

FORMAT = "cadence-workspace-backup"
FORMAT_VERSION = 1


def _workspace_path(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its workspace id, or None if it does not belong to one."""
    if model is Workspace:
        return "pk"
    fields = {f.name: f for f in model._meta.get_fields() if isinstance(f, models.ForeignKey)}
    if "workspace" in fields and fields["workspace"].related_model is Workspace:
        return "workspace_id"
    for name, field in fields.items():
        related = field.related_model
        if related is not User and related is not model and isinstance(related, type):
            related_fields = {f.name: f for f in related._meta.get_fields() if isinstance(f, models.ForeignKey)}
            if "workspace" in related_fields and related_fields["workspace"].related_model is Workspace:
                return f"{name}__workspace_id"
    return None


def workspace_models() -> list[tuple[type[models.Model], str]]:
    """Every model that belongs to a workspace, parents before children."""
    ordered = serializers.sort_dependencies(
        [(a, list(a.get_models(include_auto_created=True))) for a in apps.get_app_configs()]
    )
    result = []
    for model in ordered:
        path = _workspace_path(model)
        if path is not None:
            result.append((model, path))
    return result


class _ExactTimes(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder cuts them to milliseconds, so a restored row
    would differ from the one backed up."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _rows(qs: models.QuerySet) -> list[Any]:
    return list(json.loads(serializers.serialize("json", qs, cls=_ExactTimes)))


def export_workspace(workspace: Workspace) -> dict[str, Any]:
    user_ids = Membership.objects.filter(workspace=workspace).values_list("user_id", flat=True)
    rows = _rows(User.objects.filter(pk__in=user_ids).order_by("pk"))
    for model, path in workspace_models():
        qs = model._base_manager.filter(**{path: workspace.pk}).order_by("pk")
        rows.extend(_rows(qs))
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "workspace": workspace.slug,
        "rows": rows,
        "files": _export_files(workspace),
    }


def _export_files(workspace: Workspace) -> dict[str, str]:
    """The bytes of every attachment of the workspace, base64, by stored name."""
    files = {}
    names = Attachment.all_objects.filter(workspace=workspace).order_by("pk").values_list("stored_name", flat=True)
    for stored_name in names:
        try:
            files[stored_name] = base64.b64encode(attachments.read_file(stored_name)).decode("ascii")
        except (OSError, ValueError):
            continue  # a file already lost stays lost; its row is kept
    return files


def _files_to_restore(data: dict[str, Any]) -> dict[str, bytes]:
    """The files of a backup, checked before anything is written: generated names, valid base64."""
    files = data.get("files") or {}
    if not isinstance(files, dict):
        raise ValidationFailed({"files": "The attachment files of this backup are not readable."})
    decoded = {}
    for stored_name, encoded in files.items():
        if not isinstance(stored_name, str) or not attachments.STORED_NAME.match(stored_name):
            raise ValidationFailed({"files": f"Not an attachment name: {stored_name!r}."})
        try:
            decoded[stored_name] = base64.b64decode(encoded, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise ValidationFailed({"files": f"The file {stored_name} is not valid base64."}) from None
    return decoded


def write_backup(path: Path, data: dict[str, Any]) -> None:
    raw = json.dumps(data, ensure_ascii=False).encode()
    path.write_bytes(gzip.compress(raw) if path.suffix == ".gz" else raw)


def read_backup(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    data = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    if data.get("format") != FORMAT or data.get("version") != FORMAT_VERSION:
        raise ValidationFailed({"file": "Not a Cadence workspace backup of a known version."})
    return data


@transaction.atomic
def restore_workspace(data: dict[str, Any], *, replace: bool = False) -> Workspace:
    """Load a backup. With `replace`, the workspace's current rows are removed first.

    Rows keep their ids, so a workspace restores into the instance it came from or into an
    empty one; a user who exists with the same id and email is kept as is.
    """
    slug = data["workspace"]
    files = _files_to_restore(data)
    existing = Workspace.objects.filter(slug=slug).first()
    if existing is not None:
        if not replace:
            raise ValidationFailed({"workspace": f"Workspace {slug!r} exists; pass --replace to overwrite it."})
        existing.delete()
    user_label = User._meta.label_lower
    for obj in serializers.deserialize("json", json.dumps(data["rows"]), ignorenonexistent=True):
        row: Any = obj.object
        if row._meta.label_lower == user_label:
            current = User.objects.filter(pk=row.pk).first()
            if current is not None:
                if current.email.lower() != row.email.lower():
                    raise ValidationFailed({"users": f"User id {current.pk} belongs to another person here."})
                continue
        obj.save()
    _reset_sequences()
    for stored_name, content in files.items():
        attachments.write_file(stored_name, [content])
    return Workspace.objects.get(slug=slug)


def _reset_sequences() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in workspace_models()] + [User])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
