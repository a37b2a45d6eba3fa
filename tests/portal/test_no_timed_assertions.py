"""Unit tests assert behaviour, not speed: a limit like "under 5 seconds" fails on a loaded
machine. Speed targets live in bench/ (see bench/README.md)."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
# An assertion that compares a clock reading (or a duration computed from one) with a bound.
TIMED_ASSERT = re.compile(
    r"^\s*assert\b.*(time\.(monotonic|perf_counter|time)\(\)|\belapsed\b|\bduration\b|\bseconds\b).*[<>]"
)


def test_no_unit_test_asserts_how_long_something_took():
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{number}: {line.strip()}"
        for path in sorted(TESTS.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TIMED_ASSERT.search(line)
    ]
    assert offenders == [], "move these timings to bench/:\n" + "\n".join(offenders)
