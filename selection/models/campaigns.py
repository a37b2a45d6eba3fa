"""Campaigns: phases (forward only), weights, limits, deadlines and the scoring rubric, all data."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from portal.deadlines import is_open


class Phase(models.TextChoices):
    RECOMMENDATION = "recommendation", _("单位推荐")
    REVIEW = "review", _("专家评审")
    VOTING = "voting", _("网络投票")
    OBJECTION = "objection", _("结果公示")
    CONFIRMED = "confirmed", _("结果已确认")
    PUBLISHED = "published", _("结果已发布")


# Phases only move forward, in this order.
PHASE_ORDER = [
    Phase.RECOMMENDATION,
    Phase.REVIEW,
    Phase.VOTING,
    Phase.OBJECTION,
    Phase.CONFIRMED,
    Phase.PUBLISHED,
]


def phase_index(phase: str) -> int:
    return PHASE_ORDER.index(Phase(phase))


class TieRule(models.TextChoices):
    """How equal combined scores are ordered; whatever stays tied shares a rank, and a tie across
    the selection line is decided by the association with a recorded reason."""

    EXPERT_THEN_VOTES = "expert_then_votes", _("综合得分相同时，专家评分高者在前；再相同时，得票多者在前")
    VOTES_THEN_EXPERT = "votes_then_expert", _("综合得分相同时，得票多者在前；再相同时，专家评分高者在前")


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200)
    phase = models.CharField(_("当前阶段"), max_length=16, choices=Phase.choices, default=Phase.RECOMMENDATION)
    recommendation_deadline = models.DateTimeField(_("推荐截止时间"))
    review_start = models.DateTimeField(_("专家评审开始"))
    review_end = models.DateTimeField(_("专家评审结束"))
    voting_start = models.DateTimeField(_("网络投票开始"))
    voting_end = models.DateTimeField(_("网络投票结束"))
    objection_start = models.DateTimeField(_("公示开始"), null=True, blank=True)
    objection_end = models.DateTimeField(_("公示结束"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    expert_weight = models.DecimalField(
        _("专家评审权重"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.700"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    vote_weight = models.DecimalField(
        _("网络投票权重"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    select_count = models.PositiveSmallIntegerField(_("入选课程数"), null=True, blank=True)
    min_combined_score = models.DecimalField(
        _("入选最低综合得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    min_expert_scores = models.PositiveSmallIntegerField(
        _("参与排名的最少专家评分数"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("专家评分少于该数的课程不参与排名，标为“专家评分不足”。"),
    )
    tie_rule = models.CharField(
        _("同分规则"), max_length=32, choices=TieRule.choices, default=TieRule.EXPERT_THEN_VOTES
    )
    blind_review = models.BooleanField(
        _("匿名评审"), default=True, help_text=_("开启后，评审专家看不到推荐单位和授课教师姓名。")
    )
    votes_per_voter = models.PositiveSmallIntegerField(_("每人可投课程数"), default=10)
    experts_per_course = models.PositiveSmallIntegerField(_("每门课程评审专家数"), default=5)
    drop_extremes_min_experts = models.PositiveSmallIntegerField(
        _("去掉最高最低分的最少专家数"), default=5, help_text=_("评审专家达到该人数时，去掉一个最高分和一个最低分。")
    )
    outlier_threshold = models.DecimalField(
        _("专家评分偏离阈值"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        help_text=_("专家总分与其他专家平均分的平均偏差超过该值（百分制）时提示管理员。"),
    )
    anomaly_votes_per_hour = models.PositiveIntegerField(
        _("同单位每小时投票异常阈值"), default=30, help_text=_("同一用人单位人员一小时内投票数达到该值时提示。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="campaign_select_rule_given",
                condition=Q(select_count__isnull=False) | Q(min_combined_score__isnull=False),
            ),
            # services.check_weights_sum_to_one, in the database: the two weights share 100 points.
            # The tolerance (well under the 0.001 step of the fields) absorbs SQLite's float sums.
            models.CheckConstraint(
                name="campaign_weights_sum_to_one",
                condition=Q(GreaterThanOrEqual(F("expert_weight") + F("vote_weight"), Decimal("0.9999")))
                & Q(LessThanOrEqual(F("expert_weight") + F("vote_weight"), Decimal("1.0001"))),
                violation_error_code="weights_sum",
                violation_error_message=_("专家评审权重与网络投票权重之和必须等于 1。"),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def phase_index(self) -> int:
        return phase_index(self.phase)

    def is_past(self, phase: str) -> bool:
        return self.phase_index > phase_index(phase)

    @property
    def is_recommendation_open(self) -> bool:
        """Units may recommend, change and withdraw: the 单位推荐 phase, until the deadline's last
        second ("于4月底前报送"). Whatever the calendar year: next year's campaign is open from
        its creation."""
        return self.phase == Phase.RECOMMENDATION and is_open(deadline=self.recommendation_deadline)

    @property
    def is_published(self) -> bool:
        return self.phase == Phase.PUBLISHED

    @property
    def results_public(self) -> bool:
        """The ranking is public from the public notice (公示) on; final once published."""
        return self.is_past(Phase.VOTING)


class PhaseTransition(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.CharField(_("原阶段"), max_length=16, choices=Phase.choices)
    to_phase = models.CharField(_("新阶段"), max_length=16, choices=Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the phase ended before its published end, or moved on with courses lacking scores.
    reason = models.TextField(_("理由"), blank=True)
    # A phase and its window are one thing: the dates the move set, {field: [old, new]} (ISO).
    moved_dates = models.JSONField(_("调整的时间"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段变更记录")
        verbose_name_plural = _("阶段变更记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.campaign_id}: {self.from_phase} -> {self.to_phase}"


class Criterion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("代码"), max_length=32)
    label = models.CharField(_("评审指标"), max_length=100)
    max_score = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评审指标")
        verbose_name_plural = _("评审指标")
        ordering = ["campaign_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="criterion_unique_code")]

    def __str__(self):
        return self.label
