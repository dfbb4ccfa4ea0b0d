"""The security tests reuse the API's and the open-data tests' worlds."""

from tests.api.conftest import stranger_partner  # noqa: F401
from tests.opendata.conftest import run_on_commit, story  # noqa: F401
