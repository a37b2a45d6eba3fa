from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from . import bounds, checks  # noqa: F401, PLC0415 -- checks registers itself; models not ready at import

        bounds.install()
