from goals import views_key_results, views_objectives, views_review

app_name = "goals"
urlpatterns = views_objectives.urlpatterns + views_key_results.urlpatterns + views_review.urlpatterns
