"""Fill the database with realistic demo data for every role (safe to run repeatedly)."""

import random
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, DemoContext


class Command(BaseCommand):
    help = "Create demo organisations, people and data for each app (idempotent). Refuses in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("拒绝执行：当前为生产环境配置（DJANGO_PRODUCTION=true），不生成演示数据。")
        ctx = DemoContext(rng=random.Random(2022), out=self.stdout)
        # Apps in dependency order; each optional `<app>.demo.seed(ctx)` builds on the ones before.
        for app in settings.PROJECT_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            self.stdout.write(f"[{app}]")
            with transaction.atomic():
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）："))
        for username in ("professional", "employer", "city", "province", "department", "base", "association", "expert"):
            user = ctx.users[username]
            roles = "、".join(
                m.get_role_display() + "@" + m.organisation.name
                for m in user.memberships.active().select_related("organisation")
            )
            self.stdout.write(f"  {username:<12} {user.display_name}  {roles}")
