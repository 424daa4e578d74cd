from goals.views import inline as views_inline
from goals.views import key_results as views_key_results
from goals.views import objectives as views_objectives
from goals.views import review as views_review

app_name = "goals"
urlpatterns = (
    views_objectives.urlpatterns + views_key_results.urlpatterns + views_review.urlpatterns + views_inline.urlpatterns
)
