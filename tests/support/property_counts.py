"""How many examples each property test ran (printed in the test summary), and how many it is asked for.

Property tests are derandomized (the same examples every run) and run `examples()` examples each: 2,000 by default,
`AWSCW_PROPERTY_EXAMPLES` to change it (`python -m tests.run --long` sets 10,000).
"""

from __future__ import annotations

import os
from collections import Counter

EXAMPLES_ENV = "AWSCW_PROPERTY_EXAMPLES"
DEFAULT_EXAMPLES = 2000
LONG_EXAMPLES = 10_000
COUNTS: Counter = Counter()


def examples() -> int:
    return int(os.environ.get(EXAMPLES_ENV) or DEFAULT_EXAMPLES)


def settings():
    from hypothesis import HealthCheck
    from hypothesis import settings as hypothesis_settings

    return hypothesis_settings(max_examples=examples(), derandomize=True, deadline=None, database=None,
                               suppress_health_check=list(HealthCheck))


def count(target: str) -> None:
    COUNTS[target] += 1


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.section("property test examples")
        for target, n in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{target}: {n} examples")
