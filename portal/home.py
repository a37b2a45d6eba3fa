"""What the home page shows everyone: the deadlines still ahead.

The portal package wires the apps together, so it reads their selectors here rather than each app
pushing its dates into the home page.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.deadlines import earliest_open_deadline
from selection.models import Campaign
from submissions.models import Call

HOME_DEADLINES = 6


@dataclass(frozen=True)
class Deadline:
    when: datetime
    label: str
    url: str = ""  # a page everyone may open; calls are worked on from each unit's own menu


def upcoming_deadlines(*, now: datetime, limit: int = HOME_DEADLINES) -> list[Deadline]:
    """The next deadlines in date order: calls for materials still open and the evaluation's
    windows that have not closed yet (two queries). A deadline stays listed through its last
    second, as portal.deadlines keeps it open."""
    open_from = earliest_open_deadline(now)
    items = [
        Deadline(when=call.deadline, label=_("%(name)s截止") % {"name": call.name})
        for call in Call.objects.filter(deadline__gte=open_from).order_by("deadline", "id")[:limit]
    ]
    campaign_windows = [
        ("recommendation_deadline", _("%(title)s：推荐截止")),
        ("review_end", _("%(title)s：专家评审结束")),
        ("voting_start", _("%(title)s：网络投票开始")),
        ("voting_end", _("%(title)s：网络投票结束")),
        ("objection_end", _("%(title)s：公示结束")),
    ]
    # A campaign in its 公示 period has voting behind it but its objection deadline ahead.
    running = Q(voting_end__gte=open_from) | Q(objection_end__gte=open_from)
    for campaign in Campaign.objects.filter(running).order_by("year")[:2]:
        for field, label in campaign_windows:
            when = getattr(campaign, field)
            if when is not None and when >= open_from:
                label_text = label % {"title": campaign.title}
                items.append(Deadline(when=when, label=label_text, url=reverse("selection:index")))
    return sorted(items, key=lambda d: d.when)[:limit]
