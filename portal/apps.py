from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from . import bounds, checks  # noqa: F401, PLC0415 -- checks registers itself; models not ready at import

        bounds.install()
        _record_task_changes()


def _record_task_changes():
    """A Celery task's changes name the task in the history (docs/history.md)."""
    from celery.signals import task_postrun, task_prerun  # noqa: PLC0415 -- only once apps are ready

    from .history import context  # noqa: PLC0415 -- imports the tracked models

    task_prerun.connect(context.task_context_started, weak=False, dispatch_uid="history_task_started")
    task_postrun.connect(context.task_context_ended, weak=False, dispatch_uid="history_task_ended")
