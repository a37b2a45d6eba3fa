"""Scores as people read them: 85.50 -> 85.5 (分), weights 0.700 -> 70%."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from portal.formats import format_points, format_score


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("85.50"), "85.5"),
        (Decimal("90.00"), "90"),
        (Decimal("85.25"), "85.25"),
        (Decimal("78.505"), "78.51"),
        ("0.00", "0"),
        (0, "0"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_scores_have_no_needless_zeros(value, shown):
    assert format_score(value) == shown


def test_points_carry_their_unit():
    assert format_points(Decimal("85.50")) == "85.5 分"
    assert format_points(None) == "—"


def test_template_filters():
    rendered = Template("{% load portal %}{{ s|score }}|{{ s|points }}|{{ w|percent }}").render(
        Context({"s": Decimal("85.50"), "w": Decimal("0.700")})
    )
    assert rendered == "85.5|85.5 分|70%"
