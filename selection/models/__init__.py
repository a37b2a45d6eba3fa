"""The yearly quality online public course evaluation (优质在线公需课评选).

A campaign moves forward through its phases (recommendation, expert review, public voting,
public notice with objections, confirmation, publication). Weights, limits, deadlines and the
scoring rubric are data on the campaign, edited by the association.
"""

from .campaigns import PHASE_ORDER, Campaign, Criterion, Phase, PhaseTransition, TieRule, phase_index
from .declarations import ExpertDeclaration, ObjectionAnswer
from .recommendations import Pledge, Recommendation
from .results import ExcellentTeacherCertificate, Objection, Result, ResultSnapshot, TeacherPoolEntry, TieDecision
from .review import Assignment, ConflictOfInterest, ReleasedAssignment, Score
from .voting import Vote, VoterBallot

__all__ = [
    "PHASE_ORDER",
    "Assignment",
    "Campaign",
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
    "TieDecision",
    "TieRule",
    "Vote",
    "VoterBallot",
    "phase_index",
]
