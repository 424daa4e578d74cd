"""The cast's attachments: one on acme's leaf department, Mobile (uploaded by bob, the admin) and one on the
other workspace's department (their files go to each test's directory: conftest.attachments_dir)."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core import attachments

ATTACHMENT_BYTES = b"Roadmap, draft 1\n"


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
