from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, NavEntry


class GoalsConfig(CadenceAppConfig):
    name = "goals"
    verbose_name = _("Goals and OKRs")
    api = "goals.api:router"
    urls = "goals.urls"
    navigation = (NavEntry(_("Goals"), "goals:tree", "goals.view", order=50),)
    declarations = ("goals.access", "goals.events", "goals.jobs")
    demo = "goals.demo"
    test_world = "goals.tests.world"
    test_access = "goals.tests.access"

    def register(self) -> None:
        from goals import registration

        registration.register_types()
