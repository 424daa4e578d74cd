"""Web pages of projects and work items; each views module lists its own routes."""

from projects import views
from projects.views import inline as views_inline
from projects.views import items as views_items
from projects.views import quick as views_quick

app_name = "projects"
urlpatterns = [*views.urlpatterns, *views_items.urlpatterns, *views_quick.urlpatterns, *views_inline.urlpatterns]
