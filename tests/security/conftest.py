"""The live server of tests/e2e (real uvicorn on a loopback port), for the security tests that stream or need a URL."""

from tests.e2e.conftest import live_server, live_settings  # noqa: F401
