"""Per-employer and per-city yearly rollups, so the reports read a few rows whatever the number of
people. `StaffYearStatus` is each person's contribution (their employer then, and whether they are
compliant, short of public or professional hours, or waiting for a decision); the two rollups are its
sums, kept by `credits.services.rollups` in the same transaction as every change (F() increments)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class StaffYearStatus(models.Model):
    """One professional's place in a year's reports; `organisation` empty when not on any roster."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("专业技术人员"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("用人单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    city = models.CharField(_("设区的市"), max_length=16, blank=True)
    compliant = models.BooleanField(_("达标"), default=False)
    public_short = models.BooleanField(_("公需课不足"), default=False)
    professional_short = models.BooleanField(_("专业课不足"), default=False)
    pending = models.BooleanField(_("有待审核记录"), default=False)

    class Meta:
        verbose_name = _("年度达标状态")
        verbose_name_plural = _("年度达标状态")
        constraints = [models.UniqueConstraint(fields=["professional", "year"], name="staff_year_status_unique")]

    def __str__(self):
        return f"{self.professional_id} {self.year}"


class Rollup(models.Model):
    staff = models.IntegerField(_("在册人数"), default=0)
    compliant = models.IntegerField(_("达标人数"), default=0)
    public_short = models.IntegerField(_("公需课不足人数"), default=0)
    professional_short = models.IntegerField(_("专业课不足人数"), default=0)
    pending = models.IntegerField(_("有待审核记录人数"), default=0)

    COUNTS = ("staff", "compliant", "public_short", "professional_short", "pending")

    class Meta:
        abstract = True

    @property
    def not_compliant(self) -> int:
        return self.staff - self.compliant


class EmployerYearRollup(Rollup):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("用人单位"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("单位年度达标汇总")
        verbose_name_plural = _("单位年度达标汇总")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="employer_year_rollup_unique"),
        ]

    def __str__(self):
        return f"{self.organisation_id} {self.year}"


class CityYearRollup(Rollup):
    city = models.CharField(_("设区的市"), max_length=16)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("设区的市年度达标汇总")
        verbose_name_plural = _("设区的市年度达标汇总")
        constraints = [models.UniqueConstraint(fields=["city", "year"], name="city_year_rollup_unique")]

    def __str__(self):
        return f"{self.city} {self.year}"
