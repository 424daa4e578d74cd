"""The cast's attachments: one on acme's leaf department, Mobile (uploaded by bob, the admin) and one on the
other workspace's department (their files go to each test's directory: conftest.attachments_dir); and a
link in each workspace: Product relates to Mobile (added by bob), Secret to Secret team."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from core import attachments
from core.models import Link

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
    # Written directly, so that the rest of the suite sees no history it did not make.
    world.extra["link"] = Link.objects.create(
        workspace=world.acme,
        source_type="department",
        source_id=world.department.pk,
        target_type="department",
        target_id=world.leaf_department.pk,
        kind="relates_to",
        created_by=world.users["admin"],
    )
    world.extra["other_link"] = Link.objects.create(
        workspace=world.other,
        source_type="department",
        source_id=world.other_department.pk,
        target_type="team",
        target_id=world.other_team.pk,
        kind="relates_to",
        created_by=world.users["outsider_owner"],
    )
