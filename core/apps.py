from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, NavEntry


class CoreConfig(CadenceAppConfig):
    name = "core"
    verbose_name = "Core"
    api = "core.api:router"
    urls = "core.urls"
    navigation = (
        NavEntry(_("Activity"), "core:activity", "activity.view", order=90, icon="activity"),
        NavEntry(_("Trash"), "core:trash", "trash.view", order=91, icon="trash-2"),
    )
    declarations = ("core.permissions", "core.attachments", "core.links", "core.jobs", "core.services")
    test_world = "core.tests.world"
    test_access = "core.tests.access"

    def register(self) -> None:
        from core import attachments
        from core.models import Attachment, Comment
        from core.registry import ObjectType, register

        register(ObjectType("comment", Comment, "comment.view", "comment.moderate"))
        # Restoring from the trash: the uploader or staff, as for deleting (core.services.may_restore).
        register(
            ObjectType(
                "attachment",
                Attachment,
                "attachment.view",
                "attachment.moderate",
                visible=attachments.visible_attachments,
            )
        )
