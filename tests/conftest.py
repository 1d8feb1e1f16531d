"""Shared fixtures. Nothing here may reach the network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
sys.path.insert(0, str(Path(__file__).parent))

import small_city  # noqa: E402


@pytest.fixture(scope="session")
def small_export(tmp_path_factory) -> Path:
    return small_city.write(tmp_path_factory.mktemp("small_city"))


@pytest.fixture(scope="session")
def small_frames(small_export):
    from connectors.files import read_folder

    res = read_folder(small_export)
    assert not res.issues, [i.line() for i in res.issues]
    return res.frames
