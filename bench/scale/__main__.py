"""`make bench SCALE=small|medium|full`: seed PostgreSQL by COPY, serve with gunicorn in
production settings, drive it with wrk, print one table with every request's ratio to the
baseline measured in the same run, and write bench/results/<scale>-<time>.json and .md.

    .venv/bin/python -m bench.scale --scale small            # CI-sized: 20,000 people, 400,000 records
    .venv/bin/python -m bench.scale --scale full             # 1,000,000 people, 20,000,000 records

The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench); it
is created, and at another scale than last time dropped and seeded again. Sessions and cache are
in Redis as in production: REDIS_URL, or by default redis://127.0.0.1:6379/3 (emptied at the start)
when a Redis answers there; without one they fall back to the database and local memory, and the
results say so.
"""

import argparse
import json
import os
import sys
import time
from importlib import import_module

import environ
import psycopg2

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/portal_bench"
SECRET = "bench-only-secret-key-" + "x" * 40


def _recreate(url: str, *, drop: bool) -> None:
    config = environ.Env.db_url_config(url)
    admin = psycopg2.connect(dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"] or 5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        if drop:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


BENCH_REDIS = "redis://127.0.0.1:6379/3"


def _redis() -> str:
    """REDIS_URL as given, else the bench's own Redis database (emptied), else "" (none)."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    try:
        import redis

        client = redis.Redis.from_url(BENCH_REDIS, socket_connect_timeout=1)
        client.flushdb()
    except Exception:  # no Redis here: the results say "database" for sessions
        return ""
    os.environ["REDIS_URL"] = BENCH_REDIS
    return BENCH_REDIS


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.UsernameOrIdNumberBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--scale", default=os.environ.get("SCALE", "small"), choices=["small", "medium", "full"])
    parser.add_argument("--reseed", action="store_true", help="drop the bench database and seed again")
    parser.add_argument("--seed-only", action="store_true", help="seed (or find seeded) and stop")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    _recreate(url, drop=args.reseed)
    redis_url = _redis()
    print(f"  sessions and cache: {'Redis ' + redis_url if redis_url else 'database and local memory'}", flush=True)
    # This process signs the sessions the server reads: same database, same key, same engine.
    os.environ.update(
        DATABASE_URL=url, DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or SECRET, PORTAL_BENCH="true"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.scale import seed

    scale = seed.SCALES[args.scale]
    call_command("migrate", verbosity=0)
    if seed.seeded_scale() != scale.name:
        if seed.seeded_scale() is not None:
            connections.close_all()
            _recreate(url, drop=True)
            call_command("migrate", verbosity=0)
        seeding = {"this run": True, **seed.seed(scale)}
    else:
        print(f"  reusing the {scale.name} data in {url.rsplit('/', 1)[-1]}")
        from credits.models import StaffYearStatus
        from credits.services.rollups import rebuild_rollups

        if not StaffYearStatus.objects.exists():  # seeded before the rollups existed
            print(f"    rollups: {rebuild_rollups():,} staff-years", flush=True)
        seeding = {"this run": False, **seed.seeding_times()}
    if args.seed_only:
        return 0
    return run(scale, url, seeding)


def _cookies(user_ids: list[int]) -> list[str]:
    from accounts.models import User

    users = User.objects.in_bulk(user_ids)
    return [_session_cookie(users[pk]) for pk in user_ids if pk in users]


def run(scale, url: str, seeding: dict) -> int:
    import subprocess

    from django.db import connection

    from accounts.models import User
    from bench.bench_votes import _seed as seed_votes
    from bench.scale import load, report, seed
    from selection.models import Vote

    actors = seed.actors()
    users = User.objects.in_bulk(
        [actors.professional, actors.roster_admin, actors.export_admin, actors.province, actors.city]
    )
    me, roster, exporter, province, city = (
        _session_cookie(users[pk])
        for pk in (actors.professional, actors.roster_admin, actors.export_admin, actors.province, actors.city)
    )
    year = seed.YEAR
    reads = [
        ("baseline (one primary-key query)", "/bench/baseline/", me),
        ("`/hours/` (a professional, ~20 records)", f"/hours/?year={year}", me),
        ("`/api/v1/me/hours/`", f"/api/v1/me/hours/?year={year}", me),
        (f"`/hours/roster/` ({scale.roster_staff:,} staff)", f"/hours/roster/?year={year}", roster),
        (
            "`/api/v1/organisations/{id}/compliance/`",
            f"/api/v1/organisations/{actors.roster_org}/compliance/?year={year}",
            roster,
        ),
        ("`/hours/province/` (report by city)", f"/hours/province/?year={year}", province),
        ("`/hours/city/` (report by employer)", f"/hours/city/?year={year}", city),
        ("`/courses/` catalogue", "/courses/", me),
    ]
    # "Cold" reads: a different person (employer, city, catalogue page) each request, so nothing
    # one request left in a cache serves the next; the rows above read one user's page again and again.
    people = _cookies(actors.cold_people)
    pages_people, api_people = people[::2], people[1::2]  # /hours/ and the API share a cached year
    admins = _cookies(actors.employer_admins)
    bureaus = _cookies(actors.city_staff)
    # Every page of the catalogue once, then filters and searches: more than a run reads, so no
    # page is served from the catalogue cache (its counts per filter set are, by design).
    pages = [f"/courses/?page={n}" for n in range(1, max(2, scale.courses // 25 + 1))]
    pages += [f"/courses/?category={c}&page={n}" for c in ("public", "professional") for n in range(1, 6)]
    pages += [f"/courses/?search={n:05d}" for n in range(0, scale.courses, max(1, scale.courses // 30))]
    cold = [
        (
            f"`/hours/`, cold ({len(pages_people):,} people in turn)",
            [(f"/hours/?year={year}", c) for c in pages_people],
        ),
        (
            f"`/api/v1/me/hours/`, cold ({len(api_people):,} other people in turn)",
            [(f"/api/v1/me/hours/?year={year}", c) for c in api_people],
        ),
        (
            f"`/hours/roster/`, cold ({len(admins)} employers in turn)",
            [(f"/hours/roster/?year={year}", c) for c in admins],
        ),
        (f"`/hours/city/`, cold ({len(bureaus)} cities in turn)", [(f"/hours/city/?year={year}", c) for c in bureaus]),
        (f"`/courses/` catalogue, cold ({len(pages):,} pages and filters in turn)", [(p, me) for p in pages]),
    ]
    result = {
        "scale": scale.__dict__,
        "machine": report.machine(),
        "seeding_seconds": seeding,
        "ledger_partitions": report.partitions(),
        "actors": actors.as_dict(),
        "inspect": {},
    }
    print("  in process: EXPLAIN and profile of each read ...", flush=True)
    for label, path, cookie in reads:
        try:
            result["inspect"][label] = report.inspect(path, cookie)
        except Exception as exc:  # a broken page must not hide the others' figures
            result["inspect"][label] = {"error": repr(exc)}
    result["profiles"] = {label: report.profile(path, cookie) for label, path, cookie in reads[1:2] + reads[5:6]}
    try:
        campaign, recs, tokens, _shared = seed_votes(40)
        vote_pairs = [(t, json.dumps({"recommendation": r.pk})) for t in tokens for r in recs]
        vote_path = f"/api/v1/selection/campaigns/{campaign.pk}/votes/"
    except Exception as exc:
        vote_pairs, vote_error = None, repr(exc)
    connection.close()

    env = load.server_environment(url)
    env["DJANGO_SECRET_KEY"] = os.environ["DJANGO_SECRET_KEY"]
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True)
    rows = []
    with load.Gunicorn(env) as server:
        print(f"  gunicorn on :{load.PORT}, wrk -c{load.CONNECTIONS} -d{scale.seconds}s", flush=True)
        for label, path, cookie in reads:
            status, _size = load.request("GET", path, headers={"Cookie": cookie})
            figures = load.wrk(path, seconds=scale.seconds, cookie=cookie)
            notes = (
                "" if figures["not_2xx"] == 0 and status == 200 else f"status {status}, {figures['not_2xx']} not 2xx"
            )
            rows.append({"label": label, **figures, "notes": notes})
            print(f"    {label}: {figures['rps']:.1f}/s p50 {figures['p50_ms']:.0f} ms", flush=True)
        for label, requests in cold:
            statuses = {load.request("GET", p, headers={"Cookie": c})[0] for p, c in requests[:3]}
            figures = load.wrk("/", seconds=scale.seconds, requests=requests)
            notes = (
                ""
                if figures["not_2xx"] == 0 and statuses == {200}
                else (f"statuses {sorted(statuses)}, {figures['not_2xx']} not 2xx")
            )
            rows.append({"label": label, **figures, "notes": notes})
            print(f"    {label}: {figures['rps']:.1f}/s p50 {figures['p50_ms']:.0f} ms", flush=True)

        if vote_pairs:
            before = Vote.objects.filter(campaign=campaign).count()
            figures = load.wrk(vote_path, seconds=scale.seconds, pairs=vote_pairs)
            stored = Vote.objects.filter(campaign=campaign).count() - before
            connection.close()
            sent = figures["ok"] + figures["not_2xx"]
            # wrk stops counting at its deadline: requests still in flight then (at most one per
            # connection) are stored but not counted, so stored may exceed accepted by that much.
            note = (
                f"{figures['ok']} accepted, {stored} stored, {sent - figures['ok']} refused, "
                f"{len(vote_pairs)} distinct (voter, course) pairs"
            )
            if not 0 <= stored - figures["ok"] <= load.CONNECTIONS:
                note += " — LOST OR DOUBLED VOTES"
            rows.append({"label": "vote POST (token, each vote once)", **figures, "notes": note})
        else:
            rows.append({"label": "vote POST", "notes": f"not measured: {vote_error}"})

        def bulk(run_no: int):
            body = json.dumps(seed.bulk_rows(actors.bulk_people, seed.bulk_course(run_no))).encode()
            connection.close()
            headers = {"Authorization": f"Token {actors.base_token}", "Content-Type": "application/json"}
            return lambda: load.request("POST", "/api/v1/hour-records/bulk/", headers=headers, body=body)

        bulk_row = load.timed(
            server, [bulk(i) for i in range(3)], label=f"bulk intake, {len(actors.bulk_people):,} rows"
        )
        bulk_row["notes"] = f"statuses {bulk_row['statuses']}; p95 = slowest of {bulk_row['runs']}"
        rows.append(bulk_row)

        export_path = f"/hours/roster/export/?year={year}"
        export_row = load.timed(
            server,
            [lambda: load.request("GET", export_path, headers={"Cookie": exporter})] * 2,
            label=f"roster export, {scale.export_staff:,} rows",
        )
        export_row["notes"] = (
            f"peak worker RSS {export_row['peak_worker_rss_mb']:.0f} MB "
            f"(+{export_row['worker_rss_growth_mb']:.0f} MB), "
            f"{max(export_row['bytes']) / 1e6:.1f} MB, statuses {export_row['statuses']}"
        )
        rows.append(export_row)

    result["server"] = {
        "workers": env["GUNICORN_WORKERS"],
        "connections": load.CONNECTIONS,
        "database": env["DATABASE_URL"].rsplit("@", 1)[-1],
        "pgbouncer": env.get("DATABASE_PGBOUNCER", "false"),
        "sessions_and_cache": f"Redis {env['REDIS_URL']}" if env.get("REDIS_URL") else "database, local memory",
    }
    result["rows"] = rows
    result["table"] = report.table(rows)
    json_path, md_path = report.write(result)
    print()
    print(f"make bench SCALE={scale.name}: {scale.professionals:,} professionals, {scale.records:,} records")
    print(result["table"])
    print(f"\nresults: {json_path.relative_to(json_path.parents[2])}, {md_path.relative_to(md_path.parents[2])}")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main(sys.argv[1:])
    print(f"bench: {time.perf_counter() - started:.0f} s")
    sys.exit(code)
