"""Test-session set-up shared by tests/ and by nbval over notebooks/.

Run folders go to a temporary directory, so `make test` never overwrites your reports/.
"""

import os
import tempfile


def pytest_configure(config):
    if "LP_REPORTS_DIR" not in os.environ:
        os.environ["LP_REPORTS_DIR"] = tempfile.mkdtemp(prefix="lp-test-reports-")
