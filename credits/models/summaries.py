"""Per-person yearly figures kept equal to the ledger, and the certificates issued from them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class YearSummary(models.Model):
    """Approved hours per professional and year, kept equal to the ledger by the services that
    approve records (same transaction, row-locked)."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专业技术人员"),
        on_delete=models.CASCADE,
        related_name="year_summaries",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    public_hours = models.DecimalField(_("公需课学时"), max_digits=7, decimal_places=1, default=Decimal("0.0"))
    professional_hours = models.DecimalField(_("专业课学时"), max_digits=7, decimal_places=1, default=Decimal("0.0"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度学时汇总")
        verbose_name_plural = _("年度学时汇总")
        constraints = [
            models.UniqueConstraint(fields=["professional", "year"], name="year_summary_unique"),
        ]
        indexes = [
            # Rosters and reports join staff to the summaries of one year.
            models.Index(fields=["year", "professional"], name="year_summary_year"),
        ]

    def __str__(self):
        return f"{self.professional_id} {self.year}"

    @property
    def total_hours(self) -> Decimal:
        return self.public_hours + self.professional_hours


class HoursCertificate(models.Model):
    """A 学时证明 for a compliant year, with a snapshot of the figures and an unguessable code.
    A later change to that person's year supersedes it (`superseded_at`)."""

    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("专业技术人员"),
        on_delete=models.PROTECT,
        related_name="hour_certificates",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("验证码"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    name = models.CharField(_("姓名"), max_length=64)
    masked_id_number = models.CharField(_("身份证号（脱敏）"), max_length=18)
    employer_name = models.CharField(_("工作单位"), max_length=128, blank=True)
    public_hours = models.DecimalField(_("公需课学时"), max_digits=7, decimal_places=1)
    professional_hours = models.DecimalField(_("专业课学时"), max_digits=7, decimal_places=1)
    total_hours = models.DecimalField(_("总学时"), max_digits=7, decimal_places=1)
    required_public = models.DecimalField(_("公需课要求"), max_digits=5, decimal_places=1)
    required_professional = models.DecimalField(_("专业课要求"), max_digits=5, decimal_places=1)
    required_total = models.DecimalField(_("总学时要求"), max_digits=5, decimal_places=1)
    # Set in the same transaction as any later change to the person's year (services.ledger); a
    # superseded certificate verifies as “已更正，此证明已失效” and a new one can be issued.
    superseded_at = models.DateTimeField(_("失效时间（学时更正）"), null=True, blank=True)

    class Meta:
        verbose_name = _("学时证明")
        verbose_name_plural = _("学时证明")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["professional", "year"], name="certificate_person_year")]

    def __str__(self):
        return f"{self.year} {self.name} {self.code}"
