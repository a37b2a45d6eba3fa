from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与单位")

    def ready(self):
        from . import signals  # noqa: F401, PLC0415 -- connects receivers; models are not ready at import
