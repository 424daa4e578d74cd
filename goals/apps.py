from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig, HomePanel, NavEntry


class GoalsConfig(CadenceAppConfig):
    name = "goals"
    verbose_name = _("Goals and OKRs")
    api = "goals.api:router"
    urls = "goals.urls"
    navigation = (NavEntry(_("Goals"), "goals:tree", "goals.view", order=50, icon="target"),)
    home_panels = (
        HomePanel(
            "check-ins",
            _("Key results to check in"),
            "goals/home_check_ins.html",
            "goals.queries.home:check_ins_due",
            order=30,
        ),
    )
    declarations = ("goals.access", "goals.events", "goals.jobs")
    demo = "goals.demo"
    test_world = "goals.tests.world"
    test_access = "goals.tests.access"

    def register(self) -> None:
        from core.hooks import subscribe
        from goals import registration
        from goals.services import key_results

        registration.register_types()
        for name in (
            "work_item.created",
            "work_item.deleted",
            "work_item.restored",
            "work_item.moved",
            "work_item.estimate_changed",
        ):
            subscribe(name, key_results.follow_items)
        subscribe("work_item.state_changed", key_results.follow_states)
        subscribe("requirement.items_changed", key_results.follow_requirement_items)
