"""Create the ledger's year partitions ahead (PostgreSQL; credits.services.partitions): this year
through this year + --ahead, and a partition for every year found in the DEFAULT partition (its
rows move there). Idempotent; the yearly rollover runs it (Celery beat, credits.tasks). --check
only reports, and exits non-zero when a year is missing or the DEFAULT partition holds rows.
--detach YEAR takes a closed year out of the ledger into a table of its own, to archive."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from credits.services import partitions


class Command(BaseCommand):
    help = _("提前创建学时台账的年度分区（PostgreSQL）")

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=1, help=_("提前创建的年数（默认1：今年和明年）"))
        parser.add_argument("--check", action="store_true", help=_("只核对，不创建；缺少分区时返回非零"))
        parser.add_argument(
            "--detach", type=int, metavar="YEAR", help=_("将该年度分区从台账中分离（归档用），成为独立的表")
        )

    def handle(self, *args, ahead, check, detach, **options):
        if ahead < 0:
            raise CommandError(_("--ahead 不能为负数。"))
        if not partitions.partitioned():
            self.stdout.write(_("学时台账未分区（仅 PostgreSQL 按年度分区），无需处理。"))
            return
        if detach is not None:
            if detach not in partitions.year_partitions():
                raise CommandError(_("%(year)s 年度没有单独的分区。") % {"year": detach})
            name = partitions.detach_year(detach)
            self.stdout.write(_("已分离 %(year)s 年度分区，现为独立的表 %(name)s。") % {"year": detach, "name": name})
            return
        through = timezone.localdate().year + ahead
        if check:
            absent, in_default = partitions.missing(through)
            if absent or in_default:
                raise CommandError(
                    _("缺少年度分区：%(absent)s；默认分区中有记录的年度：%(default)s")
                    % {"absent": absent or "-", "default": in_default or "-"}
                )
            self.stdout.write(_("%(through)s 年及以前的年度分区齐全。") % {"through": through})
            return
        created = partitions.ensure_year_partitions(through)
        if created:
            self.stdout.write(_("已创建年度分区：%(years)s") % {"years": ", ".join(map(str, created))})
        else:
            self.stdout.write(_("%(through)s 年及以前的年度分区已存在，无需创建。") % {"through": through})
