"""FastAPI dependencies every router shares: the process's ``Runtime`` and the path parameters' bounds."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from confirm.core.runtime import Runtime

# a party id in a path: a database integer, so a larger number is 422 request.invalid, not a driver error (500)
PartyId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
