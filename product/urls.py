from product.views import feedback as views_feedback
from product.views import inline as views_inline
from product.views import quick as views_quick
from product.views import releases as views_releases
from product.views import requirements as views_requirements

app_name = "product"
urlpatterns = (
    views_requirements.urlpatterns
    + views_feedback.urlpatterns
    + views_releases.urlpatterns
    + views_quick.urlpatterns
    + views_inline.urlpatterns
)
