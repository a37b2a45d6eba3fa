"""`manage.py error_pages DIR`: the pages the proxy shows when no web process answers (issue 22).

nginx (or any proxy) serves them itself, so they carry their style sheet inline:

    error_page 502 504 /errors/502.html;
    error_page 503 /errors/503.html;
    location /errors/ { root DIR/..; internal; }
"""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand
from django.template import loader
from django.utils import translation


class Command(BaseCommand):
    help = "Write 502.html and 503.html for the proxy, in Chinese, with the portal's style inlined."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
        with translation.override("zh-hans"):
            for name, template in (("502.html", "portal/502.html"), ("503.html", "503.html")):
                html = loader.get_template(template).render({"inline_css": css})
                (target / name).write_text(html, encoding="utf-8")
                self.stdout.write(f"wrote {target / name}")
