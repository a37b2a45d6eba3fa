from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _

from portal import cache_versions


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = _("学时登记与达标")

    def ready(self):
        # The report rollups follow staff moving between employers, employers moving between
        # cities, courses moving between topics and policy changes, whichever app makes them
        # (credits.services.rollups).
        from accounts.models import Membership, Organisation  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)
        from courses.models import Course, StudyGuide  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)

        from .models import (  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)
            ConversionRule,
            Requirement,
            StaffYearStatus,
            YearPolicy,
        )
        from .selectors.compliance import (  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)
            forget_all_policies,
            forget_policies,
        )
        from .services import partitions, rollups  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)

        post_save.connect(forget_policies, sender=YearPolicy, dispatch_uid="forget_policies_saved")
        post_delete.connect(forget_policies, sender=YearPolicy, dispatch_uid="forget_policies_deleted")
        post_migrate.connect(forget_all_policies, dispatch_uid="forget_all_policies")
        post_save.connect(rollups.on_membership_saved, sender=Membership, dispatch_uid="rollups_membership_saved")
        post_delete.connect(rollups.on_membership_deleted, sender=Membership, dispatch_uid="rollups_membership_deleted")
        pre_save.connect(rollups.on_policy_saving, sender=YearPolicy, dispatch_uid="rollups_policy_saving")
        post_save.connect(rollups.on_policy_changed, sender=YearPolicy, dispatch_uid="rollups_policy_saved")
        post_delete.connect(rollups.on_policy_changed, sender=YearPolicy, dispatch_uid="rollups_policy_deleted")
        pre_save.connect(rollups.on_organisation_saving, sender=Organisation, dispatch_uid="rollups_org_saving")
        post_save.connect(rollups.on_organisation_saved, sender=Organisation, dispatch_uid="rollups_org_saved")
        pre_save.connect(rollups.on_course_saving, sender=Course, dispatch_uid="rollups_course_saving")
        post_save.connect(rollups.on_course_saved, sender=Course, dispatch_uid="rollups_course_saved")
        post_save.connect(partitions.on_policy_saved, sender=YearPolicy, dispatch_uid="partitions_policy_saved")
        pre_delete.connect(rollups.on_status_deleting, sender=StaffYearStatus, dispatch_uid="rollups_status_deleting")
        # A person's cached hours (portal.cache_versions.for_person): the catalogue version covers
        # courses and topics (courses.apps); the rest every person's page depends on bumps SHARED.
        for model in (YearPolicy, ConversionRule, Requirement, StudyGuide, Organisation):
            uid = f"credits_caching_{model._meta.label_lower}"
            post_save.connect(_shared_changed, sender=model, dispatch_uid=f"{uid}_saved")
            post_delete.connect(_shared_changed, sender=model, dispatch_uid=f"{uid}_deleted")
        m2m_changed.connect(
            _shared_changed, sender=Requirement.employers.through, dispatch_uid="credits_caching_req_emp"
        )
        post_save.connect(_membership_changed, sender=Membership, dispatch_uid="credits_caching_membership_saved")
        post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="credits_caching_membership_deleted")


def _shared_changed(sender=None, **kwargs) -> None:
    cache_versions.bump(cache_versions.SHARED)


def _membership_changed(sender=None, instance=None, **kwargs) -> None:
    cache_versions.bump_people([instance.user_id])
