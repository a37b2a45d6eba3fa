"""The refusals of the materials rules; the API maps each to an HTTP code."""

from django.core.exceptions import ValidationError


class SubmissionError(ValidationError):
    """A rule refused the request; the API maps subclasses to HTTP codes."""


class AlreadySubmitted(SubmissionError):
    """409: the unit has already sent materials that are not returned to it."""


class DeadlinePassed(SubmissionError):
    """422: after the unit's deadline."""


class WrongTitle(SubmissionError):
    """422: the title does not name this unit and this year."""


class NotExpected(SubmissionError):
    """422: this unit is not asked to answer this call."""


class NotReviewer(SubmissionError):
    """The user does not review this call (views answer 404/403)."""


class GeneratedFromRecommendations(SubmissionError):
    """422: attachments 3 and 4 are made from the unit's recommendations, nothing is uploaded."""
