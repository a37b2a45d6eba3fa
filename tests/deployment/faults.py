"""The fault suite's own services (issue 22): each test starts what it breaks, on a free port, and
kills it in teardown. Nothing here touches the PostgreSQL or Redis other people's tests use.

- `RedisProcess`: a throwaway redis-server; `stop()` kills it, `pause()` SIGSTOPs it (hung: the
  port accepts, nothing answers), `resume()`, `start()` again on the same port.
- `S3Process`: a throwaway moto_server, likewise.
- `Gunicorn`: the portal under the repo's gunicorn.conf.py with the environment a test gives,
  against the test database (committed rows: the tests use transaction=True).
- `Browser`: cookies and CSRF over real HTTP, every request with a timeout.
- `FaultTable`: rows "fault → what users saw → time to recovery", printed at the end of the run
  (tests/deployment/conftest.py).

- `CeleryWorker`: `celery -A portal worker` against the test's broker and database.

Every wait is bounded.
"""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# How long a browser waits for an answer; a request that hung on a dependency gets none (status 0).
PATIENCE = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.1) -> float | None:
    """Seconds until `predicate()` held, or None if it did not within `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if predicate():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(interval)
    return None


def _port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class _Process:
    """A child process started on a fixed port; stopped, paused and restarted by the test."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix=f"{type(self).__name__.lower()}-", suffix=".log", delete=False)  # noqa: SIM115 - kept for the whole test, closed in kill()

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, *, env: dict | None = None, timeout: float = 30) -> "_Process":
        self.proc = subprocess.Popen(
            self.command(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
            start_new_session=True,
        )
        if wait_until(self.ready, timeout=timeout) is None:
            self.kill()
            raise RuntimeError(f"{type(self).__name__} did not start on port {self.port}: {self.log_text()[-2000:]}")
        return self

    def ready(self) -> bool:
        return _port_answers(self.port)

    def pause(self) -> None:
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Gone: the port refuses connections."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGCONT)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        self.proc = None

    def kill(self) -> None:
        self.stop()
        self.log.close()

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")


class RedisProcess(_Process):
    def command(self):
        return ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class S3Process(_Process):
    def command(self):
        return [str(ROOT / ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(self.port)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


# A TCP forwarder: the replica's address in a test. Stopping it is the replica host going away
# (connections refused); pausing it is the host hanging (connections accepted, nothing answers).
_FORWARDER = """
import asyncio, sys

async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()

async def handle(reader, writer):
    try:
        up_reader, up_writer = await asyncio.open_connection(sys.argv[2], int(sys.argv[3]))
    except OSError:
        writer.close()
        return
    print("connection", flush=True)
    await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()

asyncio.run(main())
"""


class Forwarder(_Process):
    """Forwards a free port to host:port (a PostgreSQL server standing in as the replica)."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        super().__init__()

    def command(self):
        return [sys.executable, "-c", _FORWARDER, str(self.port), self.target[0], str(self.target[1])]

    def connections(self) -> int:
        return self.log_text().count("connection")


# What every portal process of the suite starts with (the test adds its database and services).
PORTAL_ENV = {
    "DJANGO_SECRET_KEY": "fault-suite-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "CELERY_BROKER_URL": "",
    "DATABASE_REPLICA_URL": "",
    "S3_BUCKET": "",
    "PYTHONPATH": str(ROOT),
}


class Gunicorn(_Process):
    """The portal as deployed: `gunicorn -c gunicorn.conf.py portal.wsgi`, two sync workers."""

    def command(self):
        return [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"]

    def start(self, *, env: dict | None = None, timeout: float = 60) -> "Gunicorn":
        base = {
            **PORTAL_ENV,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_TIMEOUT": "60",
        }
        return super().start(env={**base, **(env or {})}, timeout=timeout)

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/healthz/", timeout=2) as response:  # noqa: S310 - our own server
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class CeleryWorker(_Process):
    """`celery -A portal worker` (prefork, one child) in its own process group, as deployed; the
    test gives the broker and database. Ready when it logs "ready"; `stop()` kills the parent and
    its child at once (nothing comes back to end their job)."""

    def command(self):
        return [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork", "--concurrency=1",
                "-n", f"faults-{self.port}@%h", "--without-gossip", "--without-mingle", "-l", "INFO"]  # fmt: skip

    def start(self, *, env: dict | None = None, timeout: float = 60) -> "CeleryWorker":
        return super().start(env={**PORTAL_ENV, **(env or {})}, timeout=timeout)

    def ready(self) -> bool:
        return " ready." in self.log_text()


@dataclass
class Answer:
    status: int
    raw: bytes
    seconds: float
    headers: dict = field(default_factory=dict)

    @property
    def body(self) -> str:
        return self.raw.decode("utf-8", "replace")


class Browser:
    """One person's browser against a running server: cookies kept, CSRF token sent on POST."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, method: str, path: str, data: dict | None = None, *, timeout: float | None = None) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310 - our own server
        req.add_header("Referer", self.base + path)
        start = time.monotonic()
        try:
            with self.opener.open(req, timeout=timeout or PATIENCE) as response:
                return Answer(response.status, response.read(), time.monotonic() - start, dict(response.headers))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), time.monotonic() - start, dict(error.headers))
        except (TimeoutError, urllib.error.URLError, OSError) as error:
            return Answer(0, f"no answer: {error}".encode(), time.monotonic() - start)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def log_in(self, username: str, password: str) -> Answer:
        page = self.get("/accounts/login/")
        token = self.csrf() or _form_token(page.body)
        return self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _form_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


@dataclass
class FaultTable:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, fault: str, users_saw: str, recovery: float | str | None) -> None:
        if isinstance(recovery, float):
            recovery = f"{recovery:.1f} s"
        self.rows.append((fault, users_saw, recovery or "-"))

    def lines(self) -> list[str]:
        head = ("fault", "what users saw", "time to recovery")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(3)]
        fmt = "| " + " | ".join(f"{{:{w}}}" for w in widths) + " |"
        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        return [fmt.format(*head), rule, *(fmt.format(*r) for r in self.rows)]


TABLE = FaultTable()


@contextlib.contextmanager
def cache_at(url: str, **settings):
    """The portal's cache as deployed (portal/deployment.py) at a Redis `url`, for in-process
    tests; the per-process breaker starts and ends closed, after the settings are restored."""
    from django.test import override_settings

    from portal import degraded

    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True,
                        "CONNECTION_POOL_KWARGS": {"connection_class": degraded.BreakerConnection}},
        }
    }  # fmt: skip
    degraded._recovered()
    try:
        with override_settings(CACHES=caches, **settings):
            yield
    finally:
        degraded._recovered()
        degraded._pending.clear()
