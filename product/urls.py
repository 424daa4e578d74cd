from product import views_feedback, views_releases, views_requirements

app_name = "product"
urlpatterns = views_requirements.urlpatterns + views_feedback.urlpatterns + views_releases.urlpatterns
