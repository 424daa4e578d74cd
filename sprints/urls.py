from sprints import views

app_name = "sprints"
urlpatterns = views.urlpatterns
