"""Blind review inside the portal: what an expert (and the public, while review is blind) is
handed of a course carries its own ids and nothing that leads to the unit or the teachers."""

from dataclasses import dataclass
from decimal import Decimal

from ..models import Campaign, ExpertDeclaration, Recommendation


@dataclass(frozen=True)
class AnonymisedCourse:
    """A recommended course as an expert needs it: `id` is the recommendation's, never the
    course's (the course catalogue and API resolve a course id to its provider and teachers);
    the teachers' introduction stays out."""

    id: int
    title: str
    intro: str
    hours: Decimal
    category: str
    learner_count: int | None
    rating: Decimal | None
    study_url: str
    test_account: str


def anonymised_course(recommendation: Recommendation) -> AnonymisedCourse:
    course = recommendation.course
    return AnonymisedCourse(
        id=recommendation.pk,
        title=course.title,
        intro=recommendation.intro,
        hours=course.hours,
        category=course.get_category_display(),
        learner_count=recommendation.learner_count,
        rating=recommendation.rating,
        study_url=recommendation.study_url,
        test_account=recommendation.test_account,
    )


def declared_campaign_ids(*, expert) -> list[int]:
    return list(ExpertDeclaration.objects.filter(expert=expert).values_list("campaign_id", flat=True))


def declaration_of(*, campaign: Campaign, expert) -> ExpertDeclaration | None:
    return ExpertDeclaration.objects.filter(campaign=campaign, expert=expert).first()


def names_in_intro(*, intro: str, organisation, course) -> list[str]:
    """The unit's name or short name and the course's teachers' names that the course
    introduction (shown to experts under blind review) contains, in that order."""
    names = [organisation.name, getattr(organisation, "short_name", "")]
    if course is not None:
        names += [t.name for t in course.teachers.all()]
    found: list[str] = []
    for name in (n.strip() for n in names):
        if len(name) >= 2 and name in intro and name not in found:
            found.append(name)
    return found
