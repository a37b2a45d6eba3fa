"""Public voting: one vote per course per person, a per-voter counter locked while voting."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .recommendations import Recommendation


class Vote(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="votes")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The voter's employer when voting: the anomaly view groups bursts by employer.
    employer = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        constraints = [models.UniqueConstraint(fields=["recommendation", "voter"], name="vote_once_per_course")]
        indexes = [models.Index(fields=["campaign", "recommendation"], name="vote_campaign_rec")]

    def __str__(self):
        return f"{self.voter_id} -> {self.recommendation_id}"


class VoterBallot(models.Model):
    """A voter's vote counter in a campaign; locked with select_for_update before each vote so
    the per-voter limit holds under concurrent requests."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "voter"], name="ballot_unique_voter")]

    def __str__(self):
        return f"{self.voter_id}: {self.used}"
