from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    name = "credits"
    verbose_name = _("学时登记与达标")

    def ready(self):
        # The report rollups follow staff moving between employers, employers moving between
        # cities, courses moving between topics and policy changes, whichever app makes them
        # (credits.services.rollups).
        from accounts.models import Membership, Organisation  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)
        from courses.models import Course  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)

        from . import caching  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)
        from .models import StaffYearStatus, YearPolicy  # noqa: PLC0415 -- models not ready at import (AppConfig.ready)
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
        caching.connect()
