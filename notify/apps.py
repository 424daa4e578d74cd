from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, HomePanel, NavEntry


class NotifyConfig(CadenceAppConfig):
    name = "notify"
    verbose_name = _("Notifications")
    api = "notify.api:router"
    urls = "notify.urls"
    navigation = (NavEntry(_("Notifications"), "notify:inbox", "notification.use", order=20, icon="inbox"),)
    home_panels = (
        HomePanel(
            "unread", _("Mentions and notifications"), "notify/home_unread.html", "notify.queries:home_unread", order=20
        ),
    )
    declarations = ("notify.jobs", "notify.services", "notify.triggers")
    demo = "notify.demo"
    test_world = "notify.tests.world"
    test_access = "notify.tests.access"

    def register(self) -> None:
        from django.urls import reverse

        from core.hooks import subscribe
        from core.registry import ObjectType, register
        from notify import triggers
        from notify.models import WebhookEndpoint

        subscribe("comment.mentioned", triggers.tell_mentioned)
        subscribe("comment.added", triggers.tell_watchers_of_comment)

        register(
            ObjectType(
                "webhook",
                WebhookEndpoint,
                "webhook.manage",
                "webhook.manage",
                web_url=lambda o: reverse("notify:webhook", args=[o.workspace.slug, o.pk]),
            )
        )
