from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
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
