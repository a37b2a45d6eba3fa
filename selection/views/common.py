"""Helpers shared by the pages: error messages from services, the campaign of a year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from ..models import Campaign


def error_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def campaign_or_404(year: int) -> Campaign:
    return get_object_or_404(Campaign, year=year)
