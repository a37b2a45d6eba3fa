"""List (and with --delete remove) stored submission files that no version row names.

`services.send_materials` deletes its files when its own transaction fails; this sweeps what only
an enclosing transaction's rollback (a caller's `atomic()` around it) or a killed process can leave.
"""

import datetime

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from submissions.models import SubmissionVersion

PREFIXES = ("submissions/word", "submissions/pdf")


def stored_names(prefix: str) -> list[str]:
    """Every file under a storage folder, recursively."""
    if not default_storage.exists(prefix):
        return []
    folders, files = default_storage.listdir(prefix)
    names = [f"{prefix}/{name}" for name in files]
    for folder in folders:
        names += stored_names(f"{prefix}/{folder}")
    return names


def orphan_files(*, older_than: datetime.timedelta) -> list[str]:
    """Stored files no `SubmissionVersion` names, last written before now - older_than (so an
    upload still in its transaction is never counted)."""
    referenced = set()
    for word, pdf in SubmissionVersion.objects.values_list("word_file", "pdf_file").iterator():
        referenced.update((word, pdf))
    cutoff = timezone.now() - older_than
    return [
        name
        for prefix in PREFIXES
        for name in stored_names(prefix)
        if name not in referenced and default_storage.get_modified_time(name) < cutoff
    ]


class Command(BaseCommand):
    help = "列出（加 --delete 则删除）未被任何报送材料版本引用的已存储文件。"

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="删除这些文件")
        parser.add_argument("--min-age-hours", type=float, default=24.0, help="只处理早于该小时数的文件（默认 24）")

    def handle(self, *args, delete: bool, min_age_hours: float, **options):
        orphans = orphan_files(older_than=datetime.timedelta(hours=min_age_hours))
        for name in orphans:
            if delete:
                default_storage.delete(name)
            self.stdout.write(name)
        verb = "已删除" if delete else "发现"
        self.stdout.write(f"{verb}未引用文件 {len(orphans)} 个。")
