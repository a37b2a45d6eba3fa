"""The server and the load for `make bench`: gunicorn (gunicorn.conf.py, production settings) in
its own process group, wrk in another process, and two single requests timed from here (the
10,000-row bulk intake and the roster export, with the workers' memory sampled meanwhile)."""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")


def _free_port() -> int:
    """A port nobody listens on (other processes on this machine serve their own)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT", 0)) or _free_port()
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WRK_THREADS = 2


def server_environment(database_url: str, port: int = PORT) -> dict:
    """Production settings, as on a real web machine; the baseline view switched on."""
    env = dict(os.environ)
    env.update(
        # BENCH_SERVER_DATABASE_URL: the server's own way in, e.g. through PgBouncer (README, "Pooling").
        DATABASE_URL=env.get("BENCH_SERVER_DATABASE_URL") or database_url,
        DJANGO_PRODUCTION="true",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        PORTAL_BENCH="true",
        DJANGO_STATIC_ROOT=str(ROOT / "var" / "bench-static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=env.get("GUNICORN_WORKERS", "3"),
        GUNICORN_MAX_REQUESTS="0",
    )
    return env


class Gunicorn:
    def __init__(self, env: dict):
        self.env = env
        self.port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "portal.wsgi"],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz/", headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz/ in 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def wrk(
    path: str,
    *,
    seconds: int,
    cookie: str = "",
    auth: str = "",
    pairs=None,
    requests=None,
    port: int = PORT,
    connections=None,
):
    """Run wrk against one path; returns its WRKJSON figures plus requests per second. `pairs`:
    (token, JSON body) POSTed each once; `requests`: (path, cookie) GETs taken in turn."""
    env = dict(os.environ, BENCH_COOKIE=cookie, BENCH_AUTH=auth, BENCH_THREADS=str(WRK_THREADS))
    pairs_file = None
    if pairs or requests:
        pairs_file = tempfile.NamedTemporaryFile("w", suffix=".lines", delete=False)  # noqa: SIM115
        if pairs:
            pairs_file.write("".join(f"{token} {body}\n" for token, body in pairs))
        else:
            pairs_file.write("".join(f"{p}\t{c}\n" for p, c in requests))
        pairs_file.close()
        env["BENCH_PAIRS_FILE" if pairs else "BENCH_REQUESTS_FILE"] = pairs_file.name
    try:
        result = subprocess.run(
            [
                *("wrk", f"-t{WRK_THREADS}", f"-c{connections or CONNECTIONS}", f"-d{seconds}s", "--timeout", "60s"),
                *("-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}{path}"),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=seconds + 120,
            check=True,
        )
    finally:
        if pairs_file:
            os.unlink(pairs_file.name)
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["p50_ms"] = data["p50_us"] / 1000
    data["p95_ms"] = data["p95_us"] / 1000
    return data


def request(method: str, path: str, *, headers: dict, body: bytes | None = None, timeout: int = 600):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    conn.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1", **headers})
    response = conn.getresponse()
    size = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
    conn.close()
    return response.status, size


def timed(server: Gunicorn, runs: list, *, label: str) -> dict:
    """Time single requests one after another (each `runs` item makes and sends one), sampling
    the workers' resident memory every 10 ms: peak is the largest worker's RSS meanwhile, growth
    its rise over that worker's RSS before the request."""
    samples, statuses, sizes, peaks, growths = [], [], [], [], []
    for send in runs:
        pids = server.worker_pids()
        before = {pid: _rss_mb(pid) for pid in pids}
        peak = dict(before)
        stop = threading.Event()

        def sample(pids=pids, peak=peak, stop=stop):
            while not stop.is_set():
                for pid in pids:
                    peak[pid] = max(peak[pid], _rss_mb(pid))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        status, size = send()
        samples.append((time.perf_counter() - started) * 1000)
        stop.set()
        sampler.join()
        statuses.append(status)
        sizes.append(size)
        peaks.append(max(peak.values()))
        growths.append(max(peak[p] - before[p] for p in pids))
    median = statistics.median(samples)
    return {
        "label": label,
        "runs": len(samples),
        "ms": samples,
        "p50_ms": median,
        "p95_ms": max(samples),
        "rps": 1000 / median,
        "statuses": statuses,
        "bytes": sizes,
        "peak_worker_rss_mb": max(peaks),
        "worker_rss_growth_mb": max(growths),
    }
