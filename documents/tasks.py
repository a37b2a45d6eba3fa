"""Celery tasks: thin wrappers around documents.services."""

from celery import shared_task
from django.conf import settings

from . import services
from .conversion import ConversionError


@shared_task(bind=True, max_retries=None, acks_late=True)
def generate_document(self, job_id: int):
    """Produce one job's document. LibreOffice failures (crash, hang) are retried with
    exponential backoff up to DOCUMENTS_MAX_RETRIES times; then the job fails with the reason."""
    try:
        services.run_job(job_id=job_id)
    except ConversionError as exc:
        if self.request.retries < settings.DOCUMENTS_MAX_RETRIES:
            services.note_retry(job_id=job_id, message=str(exc))
            countdown = settings.DOCUMENTS_RETRY_BACKOFF * (2**self.request.retries)
            # A worker gets Retry raised; run eagerly (no broker), Celery wants the Retry
            # returned so that apply() runs the retry in-process instead of propagating it.
            return self.retry(exc=exc, countdown=countdown, throw=not self.request.is_eager)
        services.fail_job(job_id=job_id, message=str(exc))
    return job_id
