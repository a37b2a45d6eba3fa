"""Votes per second through the API with 32 concurrent clients (use PostgreSQL).

Starts the Django app in a threaded WSGI server on 127.0.0.1, seeds a campaign in its voting
window with BENCH_VOTE_COURSES candidates (default 40) and one verified professional per client,
then 32 client threads POST `selection/campaigns/{id}/votes/` with token authentication:

1. spread: each client votes for every candidate with its own account (limit = candidates, all 201);
2. contended: all 32 clients vote with ONE account whose limit is 10, every request fighting for
   the same locked counter row (exactly 10 x 201, the rest 409/422).

Bounded: BENCH_VOTE_COURSES x 32 + 32 x BENCH_VOTE_CONTENDED (default 5) requests, each with a
10 s timeout. Seeded rows stay (in a campaign year of their own, 2900+); use a scratch database.
"""

import datetime
import http.client
import json
import logging
import os
import threading
import time
from collections import Counter

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Membership, Organisation, Role, User
from accounts.validators import check_character
from courses.models import Category, Course, LearningPlatform, Mode, Topic
from selection import services
from selection.models import Campaign, Phase, Recommendation, Vote, VoterBallot

CLIENTS = 32


class _Server(ThreadedWSGIServer):
    # The default listen backlog (5) resets connections when 32 clients connect at once.
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def _id_number(year: int, n: int) -> str:
    first17 = f"371099{1960 + n % 40}0101{(year * 37 + n) % 1000:03d}"
    return first17 + check_character(first17)


def _seed(courses: int) -> tuple[Campaign, list[Recommendation], list[str], str]:
    year = max(2900, (Campaign.objects.order_by("-year").values_list("year", flat=True).first() or 0) + 1)
    now = timezone.now()
    day = datetime.timedelta(days=1)
    campaign = services.create_campaign(
        year=year,
        title=f"bench {year}",
        recommendation_deadline=now - 3 * day,
        review_start=now - 3 * day,
        review_end=now - 2 * day,
        voting_start=now - day,
        voting_end=now + day,
        votes_per_voter=courses,
    )
    Campaign.objects.filter(pk=campaign.pk).update(phase=Phase.VOTING)
    campaign.refresh_from_db()
    base = Organisation.objects.create(name=f"bench-base-{year}", kind=Organisation.Kind.CE_BASE, base_level="national")
    employer = Organisation.objects.create(name=f"bench-employer-{year}", kind=Organisation.Kind.EMPLOYER)
    platform = LearningPlatform.objects.create(
        owner=base, name="bench", url="https://b.example.cn", audience="x", department="x"
    )
    topic, _created = Topic.objects.get_or_create(year=year, name="bench", defaults={"group": Topic.Group.ELECTIVE})
    course_rows = Course.objects.bulk_create(
        Course(
            title=f"bench course {i}",
            category=Category.PUBLIC,
            topic=topic,
            hours="2.0",
            mode=Mode.ONLINE,
            provider=base,
            platform=platform,
            year_from=year,
            year_to=year,
            status=Course.Status.PUBLISHED,
        )
        for i in range(courses)
    )
    recs = Recommendation.objects.bulk_create(
        Recommendation(
            campaign=campaign,
            organisation=base,
            course=c,
            intro="bench",
            study_url="https://b.example.cn",
            status=Recommendation.Status.SUBMITTED,
            submitted_at=now,
        )
        for c in course_rows
    )
    users = User.objects.bulk_create(
        User(username=f"bench-{year}-{n}", id_number=_id_number(year, n), is_verified=True, password="!")
        for n in range(CLIENTS + 1)
    )
    Membership.objects.bulk_create(Membership(user=u, organisation=employer, role=Role.PROFESSIONAL) for u in users)
    tokens = [Token.objects.create(user=u).key for u in users]
    return campaign, recs, tokens[:CLIENTS], tokens[CLIENTS]


def _post(port: int, path: str, token: str, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Authorization": f"Token {token}", "Host": "127.0.0.1"},
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _fire(port: int, jobs: list[list[tuple[str, str, dict]]]) -> tuple[Counter, float]:
    statuses: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(jobs))

    def client(items):
        barrier.wait()
        for path, token, body in items:
            try:
                status = _post(port, path, token, body)
            except OSError as exc:
                status = f"error {type(exc).__name__}"
            with lock:
                statuses[status] += 1

    threads = [threading.Thread(target=client, args=(items,)) for items in jobs]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, time.perf_counter() - started


def run() -> None:
    courses = int(os.environ.get("BENCH_VOTE_COURSES", "40"))
    contended = int(os.environ.get("BENCH_VOTE_CONTENDED", "5"))
    # Each request thread of the server closes its database connection when the request ends.
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    campaign, recs, tokens, shared = _seed(courses)
    server = _Server(("127.0.0.1", 0), _QuietHandler)
    server.set_app(get_wsgi_application())
    # 409/422 answers are expected here; don't log each one (after the app has set up logging).
    logging.getLogger("django.request").setLevel(logging.ERROR)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = f"/api/v1/selection/campaigns/{campaign.pk}/votes/"
    try:
        # 1. Spread: every client votes for every candidate with its own account.
        jobs = [[(path, token, {"recommendation": r.pk}) for r in recs] for token in tokens]
        statuses, seconds = _fire(port, jobs)
        total = sum(statuses.values())
        print(
            f"spread: {CLIENTS} clients, {total} requests in {seconds:.2f} s = {total / seconds:.0f} votes/s; "
            f"status {dict(statuses)}"
        )
        stored = Vote.objects.filter(campaign=campaign).count()
        print(f"  votes stored {stored} (expected {statuses[201]})")

        # 2. Contended: one account, limit 10, all 32 clients at once.
        Campaign.objects.filter(pk=campaign.pk).update(votes_per_voter=10)
        jobs = [
            [(path, shared, {"recommendation": recs[(c * contended + i) % len(recs)].pk}) for i in range(contended)]
            for c in range(CLIENTS)
        ]
        statuses, seconds = _fire(port, jobs)
        total = sum(statuses.values())
        shared_user = Token.objects.get(key=shared).user
        used = VoterBallot.objects.get(campaign=campaign, voter=shared_user).used
        count = Vote.objects.filter(campaign=campaign, voter=shared_user).count()
        print(
            f"contended: {total} requests by one voter in {seconds:.2f} s = {total / seconds:.0f} req/s; "
            f"status {dict(statuses)}; votes {count}, counter {used} (limit 10)"
        )
    finally:
        server.shutdown()
        server.server_close()
