from django.urls import include, path

from cadence.api import api
from core.modules import cadence_apps

# Every app's declared URLs (core.modules), in INSTALLED_APPS order.
urlpatterns = [path("api/v1/", api.urls)] + [path("", include(c.urls)) for c in cadence_apps() if c.urls]
