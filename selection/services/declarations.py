"""The expert's declaration before scoring, once per campaign: as double-blind conferences ask of
their reviewers, no hidden conflict and no looking up who made a course under blind review."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exceptions import RuleBroken
from ..models import Campaign, ExpertDeclaration

REVIEW_DECLARATION = [
    gettext_lazy(
        "本人与所评课程不存在利益关系（本人或曾任职单位推荐的课程、本人或同事、合作者授课的课程等）；"
        "评审中发现利益冲突，立即申报回避。"
    ),
    gettext_lazy(
        "匿名评审期间，本人不通过课程所在学习平台、课程目录、搜索引擎或其他途径查询课程的推荐单位和授课教师，"
        "不与推荐单位或授课教师联系；在学习网址上偶然看到的单位或教师信息不影响评分，也不对外透露。"
    ),
    gettext_lazy("本人独立、公正评分，对评审材料、测试账号和评分结果保密。"),
]


def declaration_text() -> str:
    return "\n".join(str(clause) for clause in REVIEW_DECLARATION)


def has_declared(*, campaign: Campaign, expert) -> bool:
    return ExpertDeclaration.objects.filter(campaign=campaign, expert=expert).exists()


def check_declared(*, campaign: Campaign, expert) -> None:
    """Scores are given only after the expert has confirmed the declaration for the campaign."""
    if not has_declared(campaign=campaign, expert=expert):
        raise RuleBroken(_("请先阅读并确认《评审专家声明》，再进行评分。"), code="declaration_required")


def declare_review_principles(*, campaign: Campaign, expert) -> ExpertDeclaration:
    """Record the expert's confirmation once per campaign, with the text they confirmed; a second
    confirmation keeps the first."""
    try:
        with transaction.atomic():
            return ExpertDeclaration.objects.create(campaign=campaign, expert=expert, text=declaration_text())
    except IntegrityError:
        return ExpertDeclaration.objects.get(campaign=campaign, expert=expert)
