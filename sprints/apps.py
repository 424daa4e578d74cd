from django.utils.translation import gettext_lazy as _

from core.modules import CadenceAppConfig


class SprintsConfig(CadenceAppConfig):
    name = "sprints"
    verbose_name = _("Sprints")
    api = "sprints.api:router"
    urls = "sprints.urls"
    demo = "sprints.demo"
    test_world = "sprints.tests.world"
    test_access = "sprints.tests.access"

    def register(self) -> None:
        from sprints import registration

        registration.register_types()
