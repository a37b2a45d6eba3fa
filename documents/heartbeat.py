"""The heartbeat of a running job: a thread of the process running it writes the time every
DOCUMENTS_HEARTBEAT_SECONDS. When that process dies (killed, out of memory, its worker's parent
gone), the heartbeat stops and the job counts as stale after DOCUMENTS_HEARTBEAT_TIMEOUT: the
sweep ends it and asking again starts a new job (documents.models.stale_jobs)."""

import contextlib
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from .models import DocumentJob

logger = logging.getLogger(__name__)


def _beat(job_id: int, stop: threading.Event, interval: float) -> None:
    try:
        while not stop.wait(interval):
            try:
                DocumentJob.objects.filter(pk=job_id, status=DocumentJob.Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
            except DatabaseError:
                # A missed beat is not fatal: only a minute of them makes the job stale.
                logger.warning("document job %s: heartbeat not written", job_id, exc_info=True)
    finally:
        # Connections are per thread: this one would otherwise stay open after the job.
        connections.close_all()


@contextlib.contextmanager
def beating(job_id: int):
    """Keep the job's heartbeat going while the block runs."""
    interval = settings.DOCUMENTS_HEARTBEAT_SECONDS
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(job_id, stop, interval), daemon=True, name=f"heartbeat-{job_id}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 10)
