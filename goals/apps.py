from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "goals"
    verbose_name = _("Goals and OKRs")

    def ready(self) -> None:
        from goals import access, events, jobs, registration  # noqa: F401  (they declare capabilities, events, jobs)

        registration.register_types()
