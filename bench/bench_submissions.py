"""The reviewer's state table and its .xlsx export for a call with many expected units.

Seeds N industry departments (default 2,000; BENCH_SUBMISSION_UNITS) with a submission each for
most of them, inside a transaction that is rolled back at the end, and measures the table's
queries and time, and the export's time.
"""

import os
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from submissions.exports import state_table_xlsx
from submissions.models import Call, Submission, SubmissionVersion
from submissions.selectors import call_state_table


class _Rollback(Exception):
    pass


def run() -> None:
    n = int(os.environ.get("BENCH_SUBMISSION_UNITS", "2000"))
    try:
        with transaction.atomic():
            _run(n)
            raise _Rollback
    except _Rollback:
        pass


def _run(n: int) -> None:
    import datetime
    import zoneinfo

    deadline = datetime.datetime(2022, 4, 30, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    receiver = Organisation.objects.create(name="bench-province", kind=Organisation.Kind.PROVINCIAL_BUREAU)
    call = Call.objects.create(
        year=1999,
        name="bench",
        material="bench",
        audience=Call.Audience.DEPARTMENTS,
        receiver=receiver,
        deadline=deadline,
    )
    units = Organisation.objects.bulk_create(
        [Organisation(name=f"bench-unit-{i}", kind=Organisation.Kind.INDUSTRY_DEPARTMENT) for i in range(n)]
    )
    statuses = [Submission.Status.ACCEPTED, Submission.Status.SUBMITTED, Submission.Status.RETURNED]
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                call=call, unit=u, title=f"{u.name}1999年度继续教育材料", status=statuses[i % 3], submitted_at=deadline
            )
            for i, u in enumerate(units)
            if i % 10
        ]
    )
    versions = SubmissionVersion.objects.bulk_create(
        [
            SubmissionVersion(
                submission=s,
                number=1,
                word_file="x.docx",
                pdf_file="x.pdf",
                word_name="x",
                pdf_name="x",
                word_size=1,
                pdf_size=1,
            )
            for s in submissions
        ]
    )
    for s, v in zip(submissions, versions, strict=True):
        s.current_version = v
    Submission.objects.bulk_update(submissions, ["current_version"], batch_size=1000)

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        rows, counts = call_state_table(call)
        table_s = time.perf_counter() - start
    start = time.perf_counter()
    response = state_table_xlsx(call, rows)
    export_s = time.perf_counter() - start
    print(f"units={n} rows={len(rows)} counts={dict(counts)}")
    print(f"state table: {len(queries)} queries, {table_s * 1000:.0f} ms")
    print(f"xlsx export: {export_s * 1000:.0f} ms, {len(response.content) / 1024:.0f} KiB")
