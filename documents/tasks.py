"""Celery tasks: thin wrappers around documents.services.

The services module starts these tasks (documents.services._enqueue), so each task imports the
services inside its body: neither module imports the other at load time.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from django.conf import settings
from django.utils.translation import gettext as _

from .conversion import ConversionError, sweep_orphaned_work_dirs


# ignore_result: the job's state is its DocumentJob row. A stored result would make publishing
# subscribe to the result backend first, which retries a Redis that is down 20 times, a second
# apart (the 19 s of issue 22) before the bounded publish is even tried.
@shared_task(bind=True, max_retries=None, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def generate_document(self, job_id: int):
    """Produce one job's document. LibreOffice failures (crash, hang) are retried with
    exponential backoff up to DOCUMENTS_MAX_RETRIES times; then the job fails with the reason.
    Whatever else goes wrong, the job ends failed: it is never left running."""
    # Imported here, not at the top: services queues this task (the HackSoft direction).
    from . import services  # noqa: PLC0415 -- tasks import services in their bodies (HackSoft); services import tasks

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
    except SoftTimeLimitExceeded:
        services.fail_job(
            job_id=job_id,
            message=_("生成超时（超过 %(s)s 秒），已终止。请点击“重新生成”再试一次。")
            % {"s": settings.DOCUMENTS_JOB_TIME_LIMIT},
        )
    except Exception:
        services.fail_unexpectedly(job_id=job_id)
    return job_id


@shared_task
def sweep_stale_jobs() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): end jobs without progress, and the LibreOffice folders
    and processes of worker processes that died."""
    # Imported here, not at the top: services queues generate_document (see the module docstring).
    from . import services  # noqa: PLC0415 -- tasks import services in their bodies (HackSoft); services import tasks

    sweep_orphaned_work_dirs()
    return services.sweep_stale_jobs()


@worker_process_init.connect
def _sweep_on_worker_start(**kwargs):
    # A new worker process often replaces one that was killed mid-conversion.
    sweep_orphaned_work_dirs()
