"""Who made a change: the context django-pghistory's triggers copy into each event.

A request names its user (the session's, or the API token's once DRF authenticates it); a
management command or a Celery task names itself. The context travels as a PostgreSQL setting
prepended to each statement, so it exists only there: on SQLite (no triggers, nothing recorded)
these are no-ops, as pghistory's own context would break SQLite's single-statement cursor."""

import contextlib

import pghistory
import pghistory.middleware
from django.db import connection


def _recording() -> bool:
    return connection.vendor == "postgresql"


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's middleware, on PostgreSQL only."""

    def __call__(self, request):
        if not _recording():
            return self.get_response(request)
        return super().__call__(request)


@contextlib.contextmanager
def recorded_as(source: str, **metadata):
    """Changes made inside are recorded as made by `source` (a command or task name)."""
    if not _recording():
        yield
        return
    with pghistory.context(source=source, **metadata):
        yield


def task_context_started(task=None, **kwargs):
    """Celery `task_prerun`: a task's changes name the task."""
    if task is None or not _recording():
        return
    task.request.history_context = recorded_as(f"task:{task.name}")
    task.request.history_context.__enter__()


def task_context_ended(task=None, **kwargs):
    """Celery `task_postrun`: close what task_context_started opened."""
    history_context = getattr(getattr(task, "request", None), "history_context", None)
    if history_context is not None:
        history_context.__exit__(None, None, None)
        task.request.history_context = None
