"""Demo evaluation: a published 2022 campaign and a current-year campaign in its voting window.

Idempotent: a campaign that already exists is left as it is. The published year goes through
the real services (assignment, ranking, confirmation, publication with teaching credit); rows
that services would only accept inside their time windows (scores, votes) are written directly
with dates inside those windows.
"""

import datetime
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.demo import CE_BASES, DemoContext
from accounts.models import Membership, Role
from courses.demo import CITY_PLATFORMS

from . import selectors, services
from .models import (
    Assignment,
    Campaign,
    ExpertDeclaration,
    Objection,
    ObjectionAnswer,
    Phase,
    Pledge,
    Recommendation,
    Score,
    Vote,
    VoterBallot,
)
from .services.campaigns import SHANGHAI
from .services.declarations import declaration_text

PER_UNIT = 3


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _recommend(ctx: DemoContext, campaign: Campaign, rng: random.Random) -> list[Recommendation]:
    units = [ctx.organisations[name] for name, *_rest in CE_BASES] + [ctx.organisations[n] for n in CITY_PLATFORMS]
    pdf = _blank_pdf()
    submitted_at = campaign.recommendation_deadline - datetime.timedelta(days=5)
    recs = []
    for unit in units:
        for course in list(selectors.recommendable_courses(organisation=unit, year=campaign.year))[:PER_UNIT]:
            rec, _created = Recommendation.objects.get_or_create(
                campaign=campaign,
                course=course,
                defaults={
                    "organisation": unit,
                    # Experts read the introduction under blind review: the course, never the unit
                    # (the catalogue's description may begin with the provider's name).
                    "intro": f"本课程讲授“{course.title}”，结合实际案例讲解其主要内容与实践要求。\n"
                    "课程为原创资源，已在平台上线运行，学习人数较多、反响良好。",
                    # The teachers' names, titles and introductions come from the catalogue (attachment 3).
                    "teacher_intro": "授课团队均为相关领域一线专家，具有丰富的继续教育授课经验。",
                    "is_original": True,
                    "copyright": Recommendation.Copyright.OWN,
                    "learner_count": rng.randint(3000, 60000),
                    "rating": Decimal(rng.randint(40, 50)) / 10,
                    "study_url": course.url or "https://jxjy.example.cn",
                    "test_account": f"pingshen{campaign.year}",
                    "test_password": f"Demo{rng.randint(1000, 9999)}",
                    "notes": "",
                    "filler_name": unit.contact_person or "张老师",
                    "filler_phone": unit.contact_phone or "0531-88888888",
                    "status": Recommendation.Status.SUBMITTED,
                    "submitted_at": submitted_at,
                },
            )
            pledge, created = Pledge.objects.get_or_create(
                recommendation=rec,
                defaults={
                    "signatory": "王主任",
                    "signed_on": timezone.localtime(submitted_at).date(),
                    "owns_full_ip": True,
                    "no_plagiarism": True,
                    "bears_liability": True,
                },
            )
            if created:
                pledge.scan.save("pledge.pdf", ContentFile(pdf), save=True)
            recs.append(rec)
    return recs


def _scores(campaign: Campaign, rng: random.Random) -> None:
    criteria = list(campaign.criteria.all())
    # Each expert confirmed the declaration before scoring.
    experts = set(Assignment.objects.filter(recommendation__campaign=campaign).values_list("expert_id", flat=True))
    ExpertDeclaration.objects.bulk_create(
        [
            ExpertDeclaration(campaign=campaign, expert_id=e, text=declaration_text())
            for e in sorted(experts)
        ],
        ignore_conflicts=True,
    )
    quality = {}
    rows = []
    submitted = campaign.review_start + datetime.timedelta(days=10)
    for a in Assignment.objects.filter(recommendation__campaign=campaign, score__isnull=True):
        level = quality.setdefault(a.recommendation_id, rng.uniform(0.65, 0.95))
        values = {
            c.code: (c.max_score * Decimal(str(min(1.0, max(0.3, rng.gauss(level, 0.06)))))).quantize(Decimal("0.1"))
            for c in criteria
        }
        rows.append(
            Score(
                assignment=a,
                values={k: str(v) for k, v in values.items()},
                total=services.rubric_total(criteria=criteria, values=values),
                comment=rng.choice(["内容原创，贴近需求。", "制作精良，实用性强。", "建议进一步增加案例。", ""]),
                submitted_at=submitted,
            )
        )
    Score.objects.bulk_create(rows)


def _votes(campaign: Campaign, recs: list[Recommendation], voters: list, rng: random.Random, start, end) -> None:
    employers = dict(
        Membership.objects.active()
        .filter(role=Role.PROFESSIONAL, user__in=voters)
        .values_list("user_id", "organisation_id")
    )
    # Nobody votes for a course they teach, whose unit they work for or that they scored.
    by_unit: dict[int, list[int]] = {}
    for r in recs:
        by_unit.setdefault(r.organisation_id, []).append(r.pk)
    staff = Membership.objects.active().filter(organisation_id__in=by_unit).values_list("organisation_id", "user_id")
    interested = {(rec_id, user_id) for org_id, user_id in staff for rec_id in by_unit[org_id]}
    interested |= set(
        Recommendation.objects.filter(pk__in=[r.pk for r in recs], course__teachers__user__isnull=False).values_list(
            "pk", "course__teachers__user"
        )
    )
    interested |= set(
        Score.objects.filter(assignment__recommendation__in=recs).values_list(
            "assignment__recommendation_id", "assignment__expert_id"
        )
    )
    popularity = [rng.random() ** 2 + 0.05 for _ in recs]
    span = max(1, int((end - start).total_seconds()))
    votes, ballots = [], []
    for voter in voters:
        k = rng.randint(1, campaign.votes_per_voter)
        chosen = set()
        while len(chosen) < min(k, len(recs)):
            chosen.add(rng.choices(range(len(recs)), weights=popularity)[0])
        chosen = {i for i in chosen if (recs[i].pk, voter.pk) not in interested}
        for i in chosen:
            votes.append(
                Vote(
                    campaign=campaign,
                    recommendation=recs[i],
                    voter=voter,
                    employer_id=employers.get(voter.pk),
                    created_at=start + datetime.timedelta(seconds=rng.randint(0, span)),
                )
            )
        ballots.append(VoterBallot(campaign=campaign, voter=voter, used=len(chosen)))
    Vote.objects.bulk_create(votes)
    VoterBallot.objects.bulk_create(ballots)


def _published_2022(ctx: DemoContext, rng: random.Random) -> None:
    if Campaign.objects.filter(year=2022).exists():
        return
    admin = ctx.users["association"]
    campaign = services.create_campaign(year=2022, select_count=6, votes_per_voter=5, actor=admin)
    recs = _recommend(ctx, campaign, rng)
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.REVIEW, actor=admin)
    services.auto_assign(campaign=campaign, per_course=5, actor=admin)
    _scores(campaign, rng)
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin)
    voters = [p for p in ctx.professionals if p.is_verified and p.username != "professional"]
    _votes(campaign, recs, voters, rng, campaign.voting_start, campaign.voting_end)
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.OBJECTION, actor=admin)
    objection = Objection.objects.create(
        campaign=campaign,
        recommendation=recs[0],
        filed_by=ctx.professionals[3],
        reason="该课程部分内容与其他平台课程相似，请核实是否为原创。",
        answer="经核查，该课程由推荐单位自主制作，拥有完整版权，异议不成立。",
        answered_by=admin,
        answered_at=campaign.objection_start + datetime.timedelta(days=2),
    )
    version = ObjectionAnswer.objects.create(objection=objection, answer=objection.answer, actor=admin)
    ObjectionAnswer.objects.filter(pk=version.pk).update(created_at=objection.answered_at)
    services.change_phase(campaign=campaign, to_phase=Phase.CONFIRMED, actor=admin)
    services.change_phase(campaign=campaign, to_phase=Phase.PUBLISHED, actor=admin)
    Campaign.objects.filter(pk=campaign.pk).update(published_at=datetime.datetime(2022, 7, 1, 10, 0, tzinfo=SHANGHAI))


def _voting_now(ctx: DemoContext, rng: random.Random) -> None:
    today = timezone.localdate()
    if Campaign.objects.filter(year=today.year).exists():
        return
    admin = ctx.users["association"]

    def at(day: datetime.date, hour=0, minute=0, second=0):
        return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI)

    voting_start = at(today - datetime.timedelta(days=5))
    campaign = services.create_campaign(
        year=today.year,
        actor=admin,
        select_count=6,
        votes_per_voter=5,
        review_start=at(datetime.date(today.year, 5, 6)),
        review_end=voting_start - datetime.timedelta(days=3, seconds=1),
        voting_start=voting_start,
        voting_end=at(today + datetime.timedelta(days=10), 23, 59, 59),
        objection_start=at(today + datetime.timedelta(days=14)),
        objection_end=at(today + datetime.timedelta(days=20), 23, 59, 59),
    )
    recs = _recommend(ctx, campaign, rng)
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.REVIEW, actor=admin)
    services.auto_assign(campaign=campaign, per_course=5, actor=admin)
    _scores(campaign, rng)
    campaign = services.change_phase(campaign=campaign, to_phase=Phase.VOTING, actor=admin)
    verified = [p for p in ctx.professionals if p.is_verified and p.username != "professional"]
    # Staff of one employer vote together within one hour: what the anomaly view is for.
    burst = [p for p in verified if p.username.startswith("p03")]
    _votes(campaign, recs, [p for p in verified if p not in burst][:150], rng, voting_start, timezone.now())
    burst_start = voting_start + datetime.timedelta(days=2, hours=20)
    _votes(campaign, recs, burst, rng, burst_start, burst_start + datetime.timedelta(minutes=50))
    campaign.transitions.filter(to_phase=Phase.REVIEW).update(created_at=campaign.review_start)
    campaign.transitions.filter(to_phase=Phase.VOTING).update(created_at=campaign.voting_start)
    # The demo professional has used one of their votes and can still cast the others.
    Vote.objects.create(campaign=campaign, recommendation=recs[0], voter=ctx.users["professional"])
    VoterBallot.objects.create(campaign=campaign, voter=ctx.users["professional"], used=1)


def seed(ctx: DemoContext) -> None:
    rng = random.Random(2022_0430)
    _published_2022(ctx, rng)
    _voting_now(ctx, rng)
    ctx.log(
        f"  评选活动 {Campaign.objects.count()} 个，推荐课程 {Recommendation.objects.count()} 门，"
        f"评分 {Score.objects.count()} 条，投票 {Vote.objects.count()} 票"
    )
