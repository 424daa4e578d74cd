from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, HomePanel, NavEntry


class ProductConfig(CadenceAppConfig):
    name = "product"
    verbose_name = _("Requirements, feedback and roadmap")
    api = "product.api:router"
    urls = "product.urls"
    navigation = (
        NavEntry(
            _("Requirements"), "product:backlog", "product.view", order=40, icon="list-checks", sections=("products",)
        ),
        NavEntry(_("Feedback"), "product:feedback-inbox", "product.view", order=41, icon="message-square"),
        NavEntry(_("Roadmap"), "product:roadmap", "product.view", order=42, icon="map", sections=("releases",)),
    )
    home_panels = (
        HomePanel(
            "waiting", _("Waiting for me"), "product/home_waiting.html", "product.queries.home:waiting_for_me", order=40
        ),
    )
    declarations = ("product.access", "product.events", "product.hooks")
    demo = "product.demo"
    test_world = "product.tests.world"
    test_access = "product.tests.access"

    def register(self) -> None:
        from core.hooks import subscribe
        from product import registration
        from product.services import releases

        registration.register_types()
        subscribe("work_item.state_changed", releases.follow_work)
