from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SprintsConfig(AppConfig):
    name = "sprints"
    verbose_name = _("Sprints")

    def ready(self) -> None:
        from sprints import registration

        registration.register_types()
