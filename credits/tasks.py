"""Celery tasks: thin wrappers over services."""

from celery import shared_task
from django.utils import timezone

from .services.partitions import ensure_year_partitions


@shared_task(name="credits.tasks.ensure_ledger_partitions")
def ensure_ledger_partitions() -> list[int]:
    """Run by beat (see CELERY_BEAT_SCHEDULE) before each new year: the ledger's partitions for
    this year and next exist (PostgreSQL; nothing elsewhere). Returns the years created."""
    return ensure_year_partitions(timezone.localdate().year + 1)
