"""What `make bench` writes: the machine, each request's plan (EXPLAIN ANALYZE of its slowest
queries), where a request's time goes (SQL against Python, and a profile), and the table."""

import cProfile
import io
import json
import os
import platform
import pstats
import re
import statistics
import time
from pathlib import Path

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RESULTS = Path(__file__).resolve().parents[1] / "results"


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
        version, size = cursor.fetchone()
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": version.split(" on ")[0],
        "database_size": size,
        "python": platform.python_version(),
        "django": django.get_version(),
        "load_average_at_start": os.getloadavg(),
    }


def partitions() -> list[dict]:
    """The ledger's partitions (PostgreSQL declarative partitioning by year): rows and sizes of
    each; one row "credits_hourrecord (not partitioned)" where the table is plain."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint,
                   pg_total_relation_size(c.oid), pg_indexes_size(c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'credits_hourrecord'::regclass ORDER BY c.relname
            """
        )
        found = cursor.fetchall()
        if not found:
            cursor.execute(
                "SELECT 'credits_hourrecord (not partitioned)', '', reltuples::bigint, pg_total_relation_size(oid), "
                "pg_indexes_size(oid) FROM pg_class WHERE oid = 'credits_hourrecord'::regclass"
            )
            found = cursor.fetchall()
    return [
        {
            "table": name,
            "bound": bound,
            "rows_estimate": rows,
            "total_mb": round(total / 2**20),
            "index_mb": round(idx / 2**20),
        }
        for name, bound, rows, total, idx in found
    ]


def _client(cookie: str) -> Client:
    client = Client()
    name, _, value = cookie.partition("=")
    if value:
        client.cookies[name] = value
    return client


def inspect(path: str, cookie: str, *, repeat: int = 5, explain: int = 3) -> dict:
    """In this process, through the same views: median time of a request split into SQL and the
    rest (Python: middleware, view, template), and EXPLAIN ANALYZE of its slowest queries."""
    client = _client(cookie)
    client.get(path)  # warm: first-query plans, template loading
    totals, sql, runs = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            totals.append((time.perf_counter() - started) * 1000)
        sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        runs.append(queries.captured_queries)
    slowest = sorted(runs[-1], key=lambda q: float(q["time"]), reverse=True)[:explain]
    plans = []
    for query in slowest:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append({"sql": query["sql"], "ms": float(query["time"]) * 1000, "plan": [r[0] for r in cursor]})
    total, in_sql = statistics.median(totals), statistics.median(sql)
    return {
        "status": response.status_code,
        "queries": len(runs[-1]),
        "in_process_ms": round(total, 1),
        "sql_ms": round(in_sql, 1),
        "python_ms": round(total - in_sql, 1),
        "explain": plans,
    }


def profile(path: str, cookie: str, *, top: int = 15) -> str:
    client = _client(cookie)
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path)
    profiler.disable()
    # Own time (tottime) over the whole stack says where Python spends it; cumulative time of the
    # project's own functions says which of them to look at.
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(re.escape(str(RESULTS.parents[1])) + r"/(?!\.venv)", 25)
    return out.getvalue()


def _fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def table(rows: list[dict]) -> str:
    baseline = rows[0]["rps"]
    lines = [
        "| request | requests/s | p50 ms | p95 ms | ratio to baseline | notes |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        rps = row.get("rps")
        ratio = None if rps is None or not baseline else rps / baseline
        lines.append(
            f"| {row['label']} | {_fmt(rps, '.1f')} | {_fmt(row.get('p50_ms'), '.0f')} | "
            f"{_fmt(row.get('p95_ms'), '.0f')} | {_fmt(ratio, '.3g')} | {row.get('notes', '')} |"
        )
    return "\n".join(lines)


def write(result: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    stem = f"{result['scale']['name']}-{stamp}"
    json_path = RESULTS / f"{stem}.json"
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    md = [
        f"# make bench SCALE={result['scale']['name']} ({stamp} UTC)",
        "",
        "Scale: " + ", ".join(f"{k} {v:,}" for k, v in result["scale"].items() if isinstance(v, int)),
        "",
        "Machine: " + ", ".join(f"{k}: {v}" for k, v in result["machine"].items()),
        "",
        f"Server: gunicorn ({result['server']['workers']} sync workers, production settings, "
        f"database {result['server']['database']}, PgBouncer {result['server']['pgbouncer']}), "
        f"wrk {result['server']['connections']} connections, {result['scale']['seconds']} s per read; "
        f"sessions and cache: {result['server'].get('sessions_and_cache', '—')}.",
        "",
        result["table"],
        "",
        "Seeding (seconds"
        + ("" if result.get("seeding_seconds", {}).get("this run") else ", from the run that seeded this database")
        + "): "
        + ", ".join(f"{k} {v}" for k, v in result.get("seeding_seconds", {}).items() if k != "this run"),
        "",
        "## The ledger's partitions",
        "",
        "| table | bound | rows (estimate) | total MB | of it indexes MB |",
        "|---|---|---:|---:|---:|",
        *(
            f"| {p['table']} | {p['bound']} | {p['rows_estimate']:,} | {p['total_mb']:,} | {p['index_mb']:,} |"
            for p in result.get("ledger_partitions", [])
        ),
        "",
        "## Where a request's time goes (in process, median of 5)",
        "",
        "| request | queries | total ms | SQL ms | Python ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, info in result["inspect"].items():
        md.append(
            f"| {label} | {info.get('queries', '—')} | {info.get('in_process_ms', '—')} | "
            f"{info.get('sql_ms', '—')} | {info.get('python_ms', '—')} |"
        )
    md += ["", "## EXPLAIN ANALYZE of the slowest queries of each request", ""]
    for label, info in result["inspect"].items():
        for plan in info.get("explain", []):
            md += [f"### {label}: {plan['ms']:.1f} ms", "", "```sql", plan["sql"], "```", "", "```"]
            md += [*plan["plan"], "```", ""]
    md += ["## Profile", ""]
    for label, text in result["profiles"].items():
        md += [f"### {label}", "", "```", text.strip(), "```", ""]
    md_path = RESULTS / f"{stem}.md"
    md_path.write_text("\n".join(md), encoding="utf-8")
    return json_path, md_path
