"""The cast's attachments: one on acme's leaf department, Mobile (uploaded by bob, the admin) and one on the
other workspace's department. Their files go to a temporary directory, never to var/."""

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from core import attachments

ATTACHMENT_BYTES = b"Roadmap, draft 1\n"


def _use_a_temporary_directory() -> None:
    if getattr(settings, "_CADENCE_TEST_ATTACHMENTS", False):
        return
    directory = tempfile.mkdtemp(prefix="cadence-attachments-")
    atexit.register(shutil.rmtree, directory, True)
    settings.ATTACHMENTS_DIR = Path(directory)
    settings._CADENCE_TEST_ATTACHMENTS = True


_use_a_temporary_directory()


def extend(world: Any) -> None:
    world.extra["attachment"] = attachments.upload(
        world.actor("admin"),
        target_type="department",
        target_id=world.leaf_department.pk,
        file=SimpleUploadedFile("roadmap.txt", ATTACHMENT_BYTES),
    )
    world.extra["other_attachment"] = attachments.upload(
        world.actor("outsider_owner"),
        target_type="department",
        target_id=world.other_department.pk,
        file=SimpleUploadedFile("secret.txt", b"secret\n"),
    )
