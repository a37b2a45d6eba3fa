"""Direct connections against PgBouncer (transaction mode), measured side by side:
`python -m bench.scale.pooling` after `make bench` has seeded the database.

Two gunicorn servers run at once, one connecting straight to PostgreSQL (persistent connections,
CONN_MAX_AGE), one through PgBouncer (BENCH_PGBOUNCER_URL, DATABASE_PGBOUNCER=true); wrk
alternates between them in short rounds, so load from anything else on the machine falls on both
alike. Prints requests/s and p50 per server and read, at 8 and at 64 connections."""

import os
import statistics
import sys

from bench.scale.__main__ import SECRET, _session_cookie

DIRECT = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
BOUNCER = os.environ.get("BENCH_PGBOUNCER_URL", "postgres://postgres@127.0.0.1:6432/portal_bench")
ROUNDS, SECONDS = 3, 5


def main() -> int:
    os.environ.update(DATABASE_URL=DIRECT, DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from accounts.models import User
    from bench.scale import load, seed

    actors = seed.actors()
    cookie = _session_cookie(User.objects.get(pk=actors.professional))
    reads = [("baseline", "/bench/baseline/"), ("/hours/", f"/hours/?year={seed.YEAR}")]
    direct_env = load.server_environment(DIRECT, port=load._free_port())
    bouncer_env = load.server_environment(BOUNCER, port=load._free_port())
    bouncer_env["DATABASE_PGBOUNCER"] = "true"
    for env in (direct_env, bouncer_env):
        env["DJANGO_SECRET_KEY"] = os.environ["DJANGO_SECRET_KEY"]
    results: dict = {}
    with load.Gunicorn(direct_env) as direct, load.Gunicorn(bouncer_env) as bouncer:
        for connections in (8, 64):
            for _round in range(ROUNDS):
                for name, server in (("direct", direct), ("pgbouncer", bouncer)):
                    for label, path in reads:
                        figures = load.wrk(
                            path, seconds=SECONDS, cookie=cookie, port=server.port, connections=connections
                        )
                        results.setdefault((connections, label, name), []).append(figures)
    print("| connections | read | server | requests/s (median of rounds) | p50 ms | p95 ms | errors |")
    print("|---:|---|---|---:|---:|---:|---:|")
    for (connections, label, name), runs in sorted(results.items()):
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50_ms"] for r in runs)
        p95 = statistics.median(r["p95_ms"] for r in runs)
        errors = sum(r["not_2xx"] + r["socket_errors"] for r in runs)
        print(f"| {connections} | {label} | {name} | {rps:.1f} | {p50:.0f} | {p95:.0f} | {errors} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
