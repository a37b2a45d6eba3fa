"""Mandatory learning set by departments and cities."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from portal.formats import format_hours


class Requirement(models.Model):
    """省级行业主管部门、设区的市人力资源社会保障部门有专门要求的，专业技术人员须按要求学习。

    A department's requirement applies to the employers of its sector it lists; a city bureau's to
    every employer in its city. Either a required course, or a minimum of hours on a topic."""

    class Kind(models.TextChoices):
        COURSE = "course", _("指定课程")
        TOPIC_HOURS = "topic_hours", _("专题学时")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("提出单位"), on_delete=models.PROTECT, related_name="learning_requirements"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("要求类型"), max_length=16, choices=Kind.choices)
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("指定课程"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(
        "courses.Topic", verbose_name=_("专题"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    min_hours = models.DecimalField(_("最低学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    employers = models.ManyToManyField(
        Organisation,
        verbose_name=_("适用单位（行业主管部门填写本行业单位）"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Organisation.Kind.EMPLOYER},
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专门学习要求")
        verbose_name_plural = _("专门学习要求")
        ordering = ["year", "organisation_id", "id"]
        constraints = [
            models.CheckConstraint(
                name="requirement_kind_fields",
                condition=(
                    Q(kind="course", course__isnull=False, topic__isnull=True, min_hours__isnull=True)
                    | Q(kind="topic_hours", course__isnull=True, topic__isnull=False, min_hours__gt=0)
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "course"],
                condition=Q(course__isnull=False),
                name="requirement_unique_course",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "topic"],
                condition=Q(topic__isnull=False),
                name="requirement_unique_topic",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.COURSE:
            return _("必修课程：%(title)s") % {"title": self.course.title}
        return _("%(topic)s 不少于 %(hours)s 学时") % {"topic": self.topic.name, "hours": format_hours(self.min_hours)}
