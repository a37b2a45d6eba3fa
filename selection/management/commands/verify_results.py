"""Recompute a campaign's stored ranking from its snapshot and, once sealed, compare the live
scores, votes, courses and teachers with it; report every difference (non-zero exit if any)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from selection import selectors, services
from selection.models import Campaign


class Command(BaseCommand):
    help = "从结果快照重新计算评选排名，并核对现有评分、投票、课程和教师与封存快照是否一致。"

    def add_arguments(self, parser):
        parser.add_argument("campaign_year", type=int)

    def handle(self, *args, campaign_year: int, **options):
        campaign = Campaign.objects.filter(year=campaign_year).first()
        if campaign is None:
            raise CommandError(_("%(year)s 年度没有评选活动。") % {"year": campaign_year})
        snapshot = selectors.latest_snapshot(campaign=campaign)
        if snapshot is None:
            raise CommandError(_("%(year)s 年度尚未生成结果快照。") % {"year": campaign_year})
        problems = services.verify_results(snapshot=snapshot)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(year)s 年度结果与快照不一致（sha256 %(hash)s）。")
                % {"year": campaign_year, "hash": snapshot.sha256}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(year)s 年度结果与快照一致：%(n)s 条，sha256 %(hash)s")
                % {"year": campaign_year, "n": snapshot.results.count(), "hash": snapshot.sha256}
            )
        )
