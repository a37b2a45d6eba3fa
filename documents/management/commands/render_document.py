"""`manage.py render_document KIND --object ID --format docx|pdf --out PATH` for operators and scripts."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from documents import services
from documents.conversion import ConversionError
from documents.generators import DocumentInputError
from documents.models import Kind

KINDS = [k for k in Kind.values if k != Kind.PACKAGE]


class Command(BaseCommand):
    help = (
        "Render one document to a file: attachment1 (StudyGuide id, or no --object for the blank template), "
        "attachment2 (organisation id), attachment3 (organisation id + --year), attachment4 (recommendation id), "
        "hours_certificate (user id + --year), teacher_certificate (teacher id)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--object", type=int, default=None, dest="object_id")
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("--out", required=True)

    def handle(self, *args, kind, object_id, year, format, out, **options):
        if object_id is None and kind != Kind.ATTACHMENT1:
            raise CommandError(f"{kind} needs --object ID")
        try:
            target = services.resolve(kind=kind, object_id=object_id, year=year, user=None)
            content = services.render(target.parts[0], format)
        except Http404 as exc:
            raise CommandError(f"not found: {kind} {object_id}") from exc
        except (DocumentInputError, ConversionError) as exc:
            raise CommandError(str(exc)) from exc
        path = Path(out)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(path)  # never leave a half-written file under the requested name
        self.stdout.write(f"{path} ({len(content)} bytes)")
