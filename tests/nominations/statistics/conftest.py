"""The statistics tests reuse the commendations' cluster-year and short-hands."""
from tests.nominations.commendations.conftest import comm  # noqa: F401
