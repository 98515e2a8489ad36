from tests.complaints.conftest import _fresh_cache, cw  # noqa: F401 - shared fixtures
