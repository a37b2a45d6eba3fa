"""HTML pages of the evaluation, one module per audience."""

from .corrections import decide_teaching_credit, manage_correct, pending_teaching_credits
from .expert import expert_assignment, expert_conflict, expert_declaration, expert_home
from .manage import (
    manage_anomalies,
    manage_answer,
    manage_assignments,
    manage_campaign,
    manage_export_results,
    manage_export_scores,
    manage_home,
    manage_new,
    manage_phase,
    manage_settings,
    manage_tie,
)
from .public import candidates, index, my_objections, objection_new, recommendation_detail, results, teacher_pool
from .unit import unit_detail, unit_home, unit_licence, unit_new, unit_pledge_scan, unit_submit, unit_withdraw
from .voter import vote_cast, vote_home

__all__ = [
    "candidates",
    "decide_teaching_credit",
    "expert_assignment",
    "expert_conflict",
    "expert_declaration",
    "expert_home",
    "index",
    "manage_anomalies",
    "manage_answer",
    "manage_assignments",
    "manage_campaign",
    "manage_correct",
    "manage_export_results",
    "manage_export_scores",
    "manage_home",
    "manage_new",
    "manage_phase",
    "manage_settings",
    "manage_tie",
    "my_objections",
    "objection_new",
    "pending_teaching_credits",
    "recommendation_detail",
    "results",
    "teacher_pool",
    "unit_detail",
    "unit_home",
    "unit_licence",
    "unit_new",
    "unit_pledge_scan",
    "unit_submit",
    "unit_withdraw",
    "vote_cast",
    "vote_home",
]
