"""Celery tasks: thin wrappers over services."""

from celery import shared_task

from .reminders import send_deadline_reminders as _send


@shared_task(name="submissions.tasks.send_deadline_reminders")
def send_deadline_reminders() -> dict[str, int]:
    """Run by beat (see CELERY_BEAT_SCHEDULE); returns how many reminders were mailed and failed."""
    run = _send()
    return {"sent": len(run.sent), "failed": len(run.failed)}
