"""Fixtures for the sealing tests: the shared PKI fixtures."""

from tests.pki_fixtures import *  # noqa: F403  (the shared fixtures)
