"""Security tests reuse the fixtures of the apps' own tests (one definition each)."""

from tests.complaints.conftest import _fresh_cache, cw  # noqa: F401  (fixtures)
from tests.party_orgs.conftest import committees  # noqa: F401  (fixture)
