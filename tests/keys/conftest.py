"""Fixtures for the key-material tests: a development PKI created by code in a temporary data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from keys import DevPki, ensure_dev_pki


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def pki(data_dir: Path) -> DevPki:
    return ensure_dev_pki(data_dir)
