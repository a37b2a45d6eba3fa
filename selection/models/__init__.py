"""The yearly quality online public course evaluation (优质在线公需课评选).

A campaign moves forward through its phases (recommendation, expert review, public voting,
public notice with objections, confirmation, publication). Weights, limits, deadlines and the
scoring rubric are data on the campaign, edited by the association.
"""

from .campaigns import PHASE_ORDER, Campaign, Criterion, Phase, PhaseTransition, TieRule, phase_index
from .declarations import ExpertDeclaration, ObjectionAnswer
from .recommendations import Pledge, Recommendation
from .results import (
    ConflictFlag,
    ExcellentTeacherCertificate,
    Objection,
    Result,
    ResultSnapshot,
    TeacherPoolEntry,
    TeachingCredit,
    TieDecision,
)
from .review import Assignment, ConflictOfInterest, ReleasedAssignment, Score
from .voting import Vote, VoterBallot

__all__ = [
    "PHASE_ORDER",
    "Assignment",
    "Campaign",
    "ConflictFlag",
    "ConflictOfInterest",
    "Criterion",
    "ExcellentTeacherCertificate",
    "ExpertDeclaration",
    "Objection",
    "ObjectionAnswer",
    "Phase",
    "PhaseTransition",
    "Pledge",
    "Recommendation",
    "ReleasedAssignment",
    "Result",
    "ResultSnapshot",
    "Score",
    "TeacherPoolEntry",
    "TeachingCredit",
    "TieDecision",
    "TieRule",
    "Vote",
    "VoterBallot",
    "phase_index",
]
