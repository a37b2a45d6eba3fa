"""Helpers shared by the pages: the campaign of a year (errors and paging: portal.pages)."""

from django.shortcuts import get_object_or_404

from ..models import Campaign


def campaign_or_404(year: int) -> Campaign:
    return get_object_or_404(Campaign, year=year)
