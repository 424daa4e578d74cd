from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core.models import Comment
        from core.registry import ObjectType, register

        register(ObjectType("comment", Comment, "comment.view", "comment.moderate"))
