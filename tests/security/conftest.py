"""Hypothesis profiles for the attack suite.

`ci` (the default) is derandomized: every run, on every machine and on both databases, tries
the same examples, so a failure in CI reproduces locally with the same command and a green run
means the same thing each time. It keeps no example database either, so nothing is written
into the checkout. `explore` draws fresh random examples on each run and remembers failures in
the git-ignored `.cache/`; use it to hunt for new bugs:

    HYPOTHESIS_PROFILE=explore .venv/bin/pytest tests/security

Example counts are set on each test (`max_examples`) to keep the suite within CI's time budget.
"""

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent.parent

# The URL tests reuse one seeded database and test client across examples: they only read, so
# sharing a function-scoped fixture between examples is what we want, not a mistake.
SHARED_FIXTURES = (HealthCheck.function_scoped_fixture,)

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    # Requests against a database have no meaningful time limit on a busy 2-core CI machine.
    deadline=None,
    print_blob=True,
    suppress_health_check=SHARED_FIXTURES,
)
settings.register_profile(
    "explore",
    derandomize=False,
    database=DirectoryBasedExampleDatabase(ROOT / ".cache" / "hypothesis"),
    deadline=None,
    print_blob=True,
    suppress_health_check=SHARED_FIXTURES,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
