from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = _("优质在线公需课评选")

    def ready(self):
        # Imported here: the app registry must be ready before the receivers import models.
        from courses.signals import teacher_link_confirmed, teacher_saved, teacher_unlinked  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)

        from .receivers import on_teacher_link_confirmed, on_teacher_saved, on_teacher_unlinked  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)

        teacher_link_confirmed.connect(on_teacher_link_confirmed, dispatch_uid="selection-teacher-linked")
        teacher_saved.connect(on_teacher_saved, dispatch_uid="selection-teacher-saved")
        teacher_unlinked.connect(on_teacher_unlinked, dispatch_uid="selection-teacher-unlinked")
