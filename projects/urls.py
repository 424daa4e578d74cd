"""Web pages of projects and work items; each views module lists its own routes."""

from projects import views, views_items

app_name = "projects"
urlpatterns = [*views.urlpatterns, *views_items.urlpatterns]
