from notify import views

app_name = "notify"
urlpatterns = views.urlpatterns
