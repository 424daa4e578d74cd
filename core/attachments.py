"""Attachments: files on any registered object (SECURITY.md rule 6).

A file is stored under a generated random name in ATTACHMENTS_DIR, never under the name the user
gave; that name is kept, sanitised, for display only. A file is only ever served as a download,
with `nosniff` and a sandboxing Content-Security-Policy, so HTML or SVG never runs in our origin.
Uploading needs the edit capability of the object's type; seeing and downloading, its view.
"""

import contextlib
import mimetypes
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.http import FileResponse
from django.utils.translation import gettext as _

from core.activity import record
from core.actors import Actor
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import Attachment
from core.permissions import EVERYONE, MEMBERS, STAFF, can, declare, require
from core.registry import get_type, load_visible
from core.services import soft_delete

declare("attachment.view", EVERYONE)  # narrowed to the objects the actor may see
declare("attachment.create", MEMBERS)  # and the edit capability of the object's type
declare("attachment.moderate", STAFF)  # delete or restore anyone's attachment

FILE_NAME_MAX_LENGTH = 255
FALLBACK_NAME = "file"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# Types a browser would render as active content; stored (and served) as plain bytes.
ACTIVE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
    }
)
STORED_NAME = re.compile(r"^[A-Za-z0-9_\-]{16,100}$")
CHUNK = 64 * 1024


# --- Names, types and storage -------------------------------------------------------------------


def sanitise_file_name(name: str | None) -> str:
    """The user's file name for display: no path parts, no control or format characters, ≤255."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Zl", "Zp"})
    name = name.strip().strip(".").strip()
    if not name:
        return FALLBACK_NAME
    if len(name) > FILE_NAME_MAX_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: FILE_NAME_MAX_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:FILE_NAME_MAX_LENGTH]
    return name


def guess_content_type(file_name: str) -> str:
    """From the extension only (never from what the client claims), and never an active type."""
    guessed, encoding = mimetypes.guess_type(file_name, strict=False)
    if not guessed or encoding or guessed in ACTIVE_CONTENT_TYPES or len(guessed) > 100:
        return DEFAULT_CONTENT_TYPE
    return guessed


def storage_dir() -> Path:
    return Path(settings.ATTACHMENTS_DIR)


def stored_path(stored_name: str) -> Path:
    if not STORED_NAME.match(stored_name):
        raise ValueError("not a generated attachment name")
    return storage_dir() / stored_name


def write_file(stored_name: str, chunks: Iterable[bytes]) -> int:
    """Write the bytes to the stored name, atomically (a temporary file, fsync, rename)."""
    target = stored_path(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{stored_name}.{secrets.token_hex(4)}.part")
    size = 0
    try:
        with temporary.open("xb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return size


def read_file(stored_name: str) -> bytes:
    return stored_path(stored_name).read_bytes()


def remove_file(stored_name: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        stored_path(stored_name).unlink()


# --- Queries ------------------------------------------------------------------------------------


def visible_attachments(actor: Actor, qs: models.QuerySet) -> models.QuerySet:
    """Attachments of the actor's workspace whose object the actor may see (alive objects only)."""
    qs = qs.filter(workspace_id=actor.workspace_id)
    allowed = Q(pk__in=[])
    for name in set(qs.values_list("target_type", flat=True)):
        try:
            object_type = get_type(name)
        except NotFound:
            continue
        if name == "attachment" or not can(actor, object_type.view_capability):
            continue
        targets = object_type.visible(actor, object_type.model._default_manager.all()).values("pk")
        allowed |= Q(target_type=name, target_id__in=targets)
    return qs.filter(allowed)


def _load_target(actor: Actor, target_type: str, target_id: int) -> Any:
    if target_type == "attachment":  # files on files: no
        raise NotFound()
    return load_visible(actor, target_type, target_id)


def attachments_for(actor: Actor, target_type: str, target_id: int) -> models.QuerySet[Attachment]:
    target = _load_target(actor, target_type, target_id)
    return Attachment.objects.filter(
        workspace_id=actor.workspace_id, target_type=target_type, target_id=target.pk
    ).select_related("uploaded_by")


def get_attachment(actor: Actor, attachment_id: int) -> Attachment:
    """An attachment of the actor's workspace on an object the actor may see; else NotFound."""
    attachment = (
        Attachment.objects.filter(workspace_id=actor.workspace_id, pk=attachment_id)
        .select_related("uploaded_by")
        .first()
    )
    if attachment is None:
        raise NotFound()
    _load_target(actor, attachment.target_type, attachment.target_id)
    return attachment


def may_upload(actor: Actor, target_type: str) -> bool:
    return can(actor, "attachment.create") and can(actor, get_type(target_type).edit_capability)


def may_delete(actor: Actor, attachment: Attachment) -> bool:
    return attachment.uploaded_by_id == actor.user_id or can(actor, "attachment.moderate")


# --- Services -----------------------------------------------------------------------------------


def upload(actor: Actor, *, target_type: str, target_id: int, file: Any) -> Attachment:
    """Store `file` (a Django UploadedFile) on the object. 422 naming `file` when it is empty or too big."""
    require(actor, "attachment.create")
    target = _load_target(actor, target_type, target_id)
    require(actor, get_type(target_type).edit_capability)
    if file is None or not hasattr(file, "chunks"):
        raise ValidationFailed({"file": _("This field is required.")})
    size = file.size or 0
    limit = settings.ATTACHMENT_MAX_BYTES
    if size <= 0:
        raise ValidationFailed({"file": _("The file is empty.")})
    if size > limit:
        raise ValidationFailed(
            {"file": _("The file is too large: at most %(max)s MiB.") % {"max": round(limit / 1024 / 1024, 1)}}
        )
    file_name = sanitise_file_name(file.name)
    stored_name = secrets.token_urlsafe(24)
    written = write_file(stored_name, file.chunks(CHUNK))
    try:
        if written != size or written > limit:  # the client's size was wrong; trust what arrived
            raise ValidationFailed({"file": _("The file did not arrive whole. Try again.")})
        with transaction.atomic():
            attachment = Attachment.objects.create(
                workspace_id=actor.workspace_id,
                target_type=target_type,
                target_id=target.pk,
                stored_name=stored_name,
                file_name=file_name,
                content_type=guess_content_type(file_name),
                size=written,
                uploaded_by=actor.user,
            )
            record(actor, "attached", target, {"attachment": [None, file_name]})
    except BaseException:
        remove_file(stored_name)
        raise
    return attachment


def delete(actor: Actor, attachment: Attachment) -> None:
    """To the trash (the file stays until the trash is purged): the uploader or staff."""
    if not may_delete(actor, attachment):
        raise PermissionDenied()
    soft_delete(actor, attachment)


# --- Serving ------------------------------------------------------------------------------------


def content_disposition(file_name: str) -> str:
    """Always a download; an ASCII fallback name and the real one in RFC 5987 form."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in file_name) or FALLBACK_NAME
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def download_response(attachment: Attachment) -> FileResponse:
    """The file as a download that no browser renders: nosniff, sandbox, attachment."""
    try:
        handle = stored_path(attachment.stored_name).open("rb")
    except (OSError, ValueError):
        raise NotFound() from None
    content_type = attachment.content_type
    if not content_type or content_type in ACTIVE_CONTENT_TYPES:
        content_type = DEFAULT_CONTENT_TYPE
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(attachment.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
