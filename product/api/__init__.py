"""Requirements, feedback, releases and the roadmap over HTTP: one router made of the domain's parts."""

from ninja import Router

from product.api.feedback import router as feedback_router
from product.api.releases import router as releases_router
from product.api.requirements import router as requirements_router

router = Router()
router.add_router("", requirements_router)
router.add_router("", feedback_router)
router.add_router("", releases_router)
