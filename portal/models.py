from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AnnouncementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_at__lte=timezone.now())


class Announcement(models.Model):
    """A notice shown on the home page (通知公告), e.g. the provincial notice of each year."""

    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=128, blank=True)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    body = models.TextField(_("正文"))
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    is_published = models.BooleanField(_("已发布"), default=True)
    is_pinned = models.BooleanField(_("置顶"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-is_pinned", "-published_at"]

    def __str__(self):
        return self.title


# The history event models (portal.history.models) belong to this app's migrations.
from portal.history.models import *  # noqa: E402, F403
