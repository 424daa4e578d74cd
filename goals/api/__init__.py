"""Goals and OKRs over HTTP: one router made of the domain's parts."""

from ninja import Router

from goals.api.key_results import router as key_results_router
from goals.api.objectives import router as objectives_router
from goals.api.review import router as review_router

router = Router()
router.add_router("", objectives_router)
router.add_router("", key_results_router)
router.add_router("", review_router)
