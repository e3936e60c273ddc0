"""skip.py - pytest helpers shared by the test modules (the rest of the harness needs no pytest)."""

import pytest


def require(path):
    """Skips the test when a build product is missing (make test builds them all)."""
    if not path.exists():
        pytest.skip(f"{path} not built (`make test` builds it)")
