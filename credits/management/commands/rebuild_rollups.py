"""Recompute the per-employer and per-city report rollups from the ledger (after a bulk load, a
restore, or to check them: --check compares without writing)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from credits.models import CityYearRollup, EmployerYearRollup, HourRecord, YearPolicy
from credits.selectors import live_compliance_by_city, live_compliance_by_employer
from credits.services.rollups import rebuild_rollups


def _live_pending(year: int, group: str) -> dict:
    waiting = HourRecord.objects.pending().filter(professional_id=OuterRef("user_id"), year=year)
    staff = Membership.objects.active().filter(role=Role.PROFESSIONAL).filter(Exists(waiting))
    if group == "organisation__city":
        staff = staff.exclude(organisation__city="")
    return {r[group]: r["n"] for r in staff.values(group).annotate(n=Count("id")).order_by()}


def differences(year: int) -> list[str]:
    """Where the stored rollups differ from a recomputation over every membership."""
    found = []
    live_city, live_employer = live_compliance_by_city(year=year), live_compliance_by_employer(year=year)
    for k, n in _live_pending(year, "organisation__city").items():
        live_city.setdefault(k, {})["pending"] = n
    for k, n in _live_pending(year, "organisation_id").items():
        live_employer.setdefault(k, {})["pending"] = n
    names = {"staff": "staff", "compliant_count": "compliant", "public_short": "public_short"}
    names.update(professional_short="professional_short", pending="pending")
    pairs = ((CityYearRollup, live_city, "city"), (EmployerYearRollup, live_employer, "organisation_id"))
    for model, live, key in pairs:
        stored = {getattr(r, key): r for r in model.objects.filter(year=year)}
        for k in set(stored) | set(live):
            for live_name, name in names.items():
                want = live.get(k, {}).get(live_name, 0)
                have = getattr(stored[k], name) if k in stored else 0
                if want != have:
                    found.append(f"{model.__name__} {k} {year} {name}: {have} != {want}")
    return found


class Command(BaseCommand):
    help = _("重新计算各单位、各市年度达标汇总")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help=_("只处理该年度"))
        parser.add_argument("--check", action="store_true", help=_("只核对，不写入；有差异时返回非零"))

    def handle(self, *args, year=None, check=False, **options):
        years = [year] if year else list(YearPolicy.objects.order_by("year").values_list("year", flat=True))
        if check:
            found = [line for y in years for line in differences(y)]
            for line in found:
                self.stdout.write(line)
            if found:
                raise CommandError(_("汇总与重新计算不一致：%(n)s 处。") % {"n": len(found)})
            self.stdout.write(_("汇总与重新计算一致。"))
            return
        counted = rebuild_rollups(year=year)
        self.stdout.write(_("已重新计算：%(n)s 人次。") % {"n": counted})
