"""FastAPI dependencies every router shares: the process's ``Runtime`` and the path parameters' bounds."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from confirm.core.runtime import Runtime

# an id in a path (a party's, a document's): a database integer, so a larger number is 422 request.invalid, not a
# driver error (500: OverflowError beyond 64 bits, a PostgreSQL error beyond 32)
DbId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PartyId = DbId


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _runtime(request: Request) -> Runtime:
    """``get_runtime`` as a dependency: async, as it never blocks, so no request hops to the thread pool for it."""
    return get_runtime(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
