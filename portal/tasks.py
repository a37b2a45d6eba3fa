"""Tasks of the portal itself."""

import socket

from celery import shared_task


@shared_task(name="portal.ping")
def ping(payload: str) -> dict:
    """Answer with the payload and the host that ran the task: used to prove a worker is alive."""
    return {"payload": payload, "host": socket.gethostname()}
