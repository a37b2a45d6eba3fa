"""Records that keep the evaluation's people honest: an expert's declaration before scoring and
every answer given to an objection."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .results import Objection


class ExpertDeclaration(models.Model):
    """The expert's declaration, confirmed once per campaign before scoring (the double-blind
    review's promise: no conflict hidden, no looking up who made the course)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="declarations")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("声明内容"))
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审专家声明")
        verbose_name_plural = _("评审专家声明")
        constraints = [models.UniqueConstraint(fields=["campaign", "expert"], name="declaration_once_per_campaign")]

    def __str__(self):
        return f"{self.campaign_id} · {self.expert_id}"


class ObjectionAnswer(models.Model):
    """One version of the association's answer to an objection: a changed answer is a new row
    with its reason, the earlier ones stay."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="answers")
    answer = models.TextField(_("答复"))
    reason = models.TextField(_("修改理由"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议答复")
        verbose_name_plural = _("异议答复")
        ordering = ["objection_id", "created_at", "id"]

    def __str__(self):
        return f"{self.objection_id}: {self.created_at:%Y-%m-%d %H:%M}"
