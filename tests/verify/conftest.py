"""Fixtures for the verification tests: the shared PKI fixtures, a second PKI that is not trusted, no network."""

from __future__ import annotations

import pytest

from keys import DevPki, ensure_dev_pki
from tests.pki_fixtures import *  # noqa: F403  (the shared fixtures)


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    """A second development PKI: same names, different root key — not one of our trust roots."""
    return ensure_dev_pki(tmp_path_factory.mktemp("other-data"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification is offline: any attempt to open a network connection fails the test."""
    import socket

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("verification tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
