"""Celery tasks: thin wrappers over services."""

from celery import shared_task

from .reminders import send_deadline_reminders as _send


@shared_task(name="submissions.tasks.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Run by beat (see CELERY_BEAT_SCHEDULE); returns how many reminders were mailed."""
    return len(_send())
