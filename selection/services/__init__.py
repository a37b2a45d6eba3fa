"""Writes of the evaluation, one module per stage; each notice rule is one named function."""

from .campaigns import (
    advance_phase,
    check_phase_forward,
    create_campaign,
    default_rubric,
    default_schedule,
)
from .recommendations import (
    check_before_recommendation_deadline,
    check_course_is_own_online_public_course,
    check_unit_may_recommend,
    create_recommendation,
    save_pledge,
    submit_recommendation,
    update_recommendation,
    withdraw_recommendation,
)
from .results import (
    FORMULA,
    answer_objection,
    average_expert_score,
    combined_score,
    compute_results,
    confirm_results,
    file_objection,
    inputs_hash,
    publish_results,
    rank_from_inputs,
    verify_snapshot,
)
from .review import assign_expert, auto_assign, conflicts_for, declare_conflict, rubric_total, submit_score
from .voting import cast_vote, check_voter_eligible

__all__ = [
    "FORMULA",
    "advance_phase",
    "answer_objection",
    "assign_expert",
    "auto_assign",
    "average_expert_score",
    "cast_vote",
    "check_before_recommendation_deadline",
    "check_course_is_own_online_public_course",
    "check_phase_forward",
    "check_unit_may_recommend",
    "check_voter_eligible",
    "combined_score",
    "compute_results",
    "confirm_results",
    "conflicts_for",
    "create_campaign",
    "create_recommendation",
    "declare_conflict",
    "default_rubric",
    "default_schedule",
    "file_objection",
    "inputs_hash",
    "publish_results",
    "rank_from_inputs",
    "rubric_total",
    "save_pledge",
    "submit_recommendation",
    "submit_score",
    "update_recommendation",
    "verify_snapshot",
    "withdraw_recommendation",
]
