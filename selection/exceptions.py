"""Errors the evaluation's services raise; views and the API map them to 409/422.

Both are Django ValidationErrors, so a form or the API's exception handler can show the
Chinese message either way.
"""

from django.core.exceptions import ValidationError


class RuleBroken(ValidationError):
    """A rule of the notice or of the campaign forbids this (window closed, limit reached)."""


class AlreadyDone(ValidationError):
    """The request repeats something already done (a second vote, a second publication)."""
