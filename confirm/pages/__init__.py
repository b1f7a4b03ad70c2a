"""The staff pages (zh-CN, server-rendered, progressive enhancement), one module per audience: the session (login,
CSRF), the mediator's tablet, the court's review pages, the administrator's page, and the party's own pages on
their phone (no account); forms are read into the same
input models as the API and changed through the same service functions. The public verification pages are
``confirm.verification.views``."""

from fastapi import APIRouter

from confirm.pages import admin, evaluation, mediator, party, review, session

router = APIRouter(include_in_schema=False)
for _audience in (session, mediator, review, admin, party, evaluation):
    router.include_router(_audience.router)
