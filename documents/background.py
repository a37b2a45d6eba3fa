"""Document jobs without a broker: a few threads of the web process run them, so the request
that starts a job returns at once with its progress page instead of waiting 4-9 s for LibreOffice.

With a broker (CELERY_BROKER_URL) jobs go to the Celery workers instead and this pool is never
started. The pool is bounded: at most THREADS jobs convert at once per process, the rest wait in
its queue (their rows stay 排队中 until a thread takes them).
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connections

logger = logging.getLogger(__name__)

# Each conversion runs one LibreOffice process: two at a time keep a small server responsive.
THREADS = 2

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="documents")
        return _executor


def _run(work: Callable, args: tuple) -> None:
    try:
        work(*args)
    except Exception:
        # The task itself ends its job as failed; this catches only what escapes it.
        logger.exception("background document job failed: %r%r", work, args)
    finally:
        # Connections are per thread and no request ends here to close this one: without this
        # every finished job would leave an idle database connection behind.
        connections.close_all()


def submit(work: Callable, *args) -> Future:
    """Run work(*args) in the background; call it after the job's row is committed."""
    return _pool().submit(_run, work, args)
