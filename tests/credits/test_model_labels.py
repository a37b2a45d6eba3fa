"""Model labels shown to staff (admin lists, drop-downs, audit lines) write hours the Chinese way:
6 学时, 1.5 学时, never 6.0 学时 (issue 14, Chinese conventions)."""

from decimal import Decimal

from courses.models import Topic
from credits.models import ConversionRule, Requirement


def test_a_topic_requirement_reads_whole_hours_without_a_decimal():
    requirement = Requirement(kind=Requirement.Kind.TOPIC_HOURS, topic=Topic(name="法治专题"), min_hours=Decimal("6.0"))
    assert str(requirement) == "法治专题 不少于 6 学时"


def test_a_conversion_rule_keeps_a_real_half_hour():
    rule = ConversionRule(name="学术讲座", unit="次", hours_per_unit=Decimal("1.5"))
    assert str(rule) == "学术讲座（每次 1.5 学时）"
    rule.hours_per_unit = Decimal("4.0")
    assert str(rule) == "学术讲座（每次 4 学时）"
