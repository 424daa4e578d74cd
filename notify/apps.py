from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.urls import reverse

        from core.registry import ObjectType, register
        from core.services import react_to_comments
        from notify import jobs, services, triggers  # noqa: F401  (they declare events, capabilities, jobs)
        from notify.models import WebhookEndpoint

        react_to_comments("comment.mentioned", triggers.tell_mentioned)
        react_to_comments("comment.added", triggers.tell_watchers_of_comment)

        register(
            ObjectType(
                "webhook",
                WebhookEndpoint,
                "webhook.manage",
                "webhook.manage",
                web_url=lambda o: reverse("notify:webhook", args=[o.workspace.slug, o.pk]),
            )
        )
