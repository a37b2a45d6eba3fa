"""Run the benchmarks: `python -m bench [name ...]` (each `bench/bench_<name>.py` has `run()`).

Benchmarks seed their own data into the configured database (use PostgreSQL: DATABASE_URL) and
print what they measured; they are not part of the test suite.
"""

import os
import sys
from importlib import import_module
from pathlib import Path

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    here = Path(__file__).resolve().parent
    names = argv or sorted(p.stem.removeprefix("bench_") for p in here.glob("bench_*.py"))
    if not names:
        print("no benchmarks found")
        return 1
    for name in names:
        print(f"== bench {name}")
        import_module(f"bench.bench_{name}").run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
