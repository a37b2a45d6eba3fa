from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from portal import cache_versions


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("课程目录")

    def ready(self):
        from accounts.models import Organisation  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)

        from .models import Course, LearningPlatform, Teacher, Topic  # noqa: PLC0415 -- models not ready at import

        # Whatever a catalogue page shows or offers as a filter: its cached pages and counts go.
        for model in (Course, Teacher, Topic, LearningPlatform):
            uid = f"catalogue_version_{model._meta.model_name}"
            post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}_saved")
            post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}_deleted")
        m2m_changed.connect(
            _catalogue_changed, sender=Course.teachers.through, dispatch_uid="catalogue_version_teachers"
        )
        post_save.connect(_provider_changed, sender=Organisation, dispatch_uid="catalogue_version_provider_saved")


def _catalogue_changed(*args, **kwargs):
    cache_versions.bump(cache_versions.CATALOGUE)


def _provider_changed(sender, instance, **kwargs):
    """A unit that can provide courses or be a course's sector (its name is shown, it is a filter)."""
    if instance.kind in (
        sender.Kind.CE_BASE,
        sender.Kind.CITY_BUREAU,
        sender.Kind.INDUSTRY_DEPARTMENT,
    ):
        cache_versions.bump(cache_versions.CATALOGUE)
