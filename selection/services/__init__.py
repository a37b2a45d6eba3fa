"""Writes of the evaluation, one module per stage; each notice rule is one named function."""

from .campaigns import (
    check_phase_forward,
    check_schedule_in_order,
    check_weights_sum_to_one,
    create_campaign,
    default_rubric,
    default_schedule,
    update_campaign_settings,
    update_rubric,
)
from .conflicts import access_assignments, release_conflicted_assignments
from .corrections import correct_results
from .declarations import REVIEW_DECLARATION, check_declared, declare_review_principles, has_declared
from .late_teaching import credit_pending_teaching, decline_pending_teaching
from .phases import change_phase, ends_early, phase_change_preview
from .publication import check_may_publish, credit_linked_teacher, publish_results, reverse_unlinked_teacher
from .ranking import FORMULA, average_expert_score, combined_score, inputs_hash, published_rules, rank_from_inputs
from .recommendations import (
    check_before_recommendation_deadline,
    check_course_is_own_online_public_course,
    check_original_with_copyright,
    check_platform_figures,
    check_unit_may_recommend,
    create_recommendation,
    save_licence,
    save_pledge,
    submit_recommendation,
    update_recommendation,
    withdraw_recommendation,
)
from .results import (
    answer_objection,
    compute_results,
    confirm_results,
    decide_tie,
    file_objection,
    verify_results,
    verify_snapshot,
)
from .review import assign_expert, auto_assign, declare_conflict, rubric_total, submit_score
from .voting import cast_counted_vote, cast_vote, check_voter_eligible, check_voter_has_no_interest

__all__ = [
    "FORMULA",
    "REVIEW_DECLARATION",
    "access_assignments",
    "answer_objection",
    "assign_expert",
    "auto_assign",
    "average_expert_score",
    "cast_counted_vote",
    "cast_vote",
    "change_phase",
    "check_before_recommendation_deadline",
    "check_course_is_own_online_public_course",
    "check_declared",
    "check_may_publish",
    "check_original_with_copyright",
    "check_phase_forward",
    "check_platform_figures",
    "check_schedule_in_order",
    "check_unit_may_recommend",
    "check_voter_eligible",
    "check_voter_has_no_interest",
    "check_weights_sum_to_one",
    "combined_score",
    "compute_results",
    "confirm_results",
    "correct_results",
    "create_campaign",
    "create_recommendation",
    "credit_linked_teacher",
    "credit_pending_teaching",
    "decide_tie",
    "declare_conflict",
    "declare_review_principles",
    "decline_pending_teaching",
    "default_rubric",
    "default_schedule",
    "ends_early",
    "file_objection",
    "has_declared",
    "inputs_hash",
    "phase_change_preview",
    "publish_results",
    "published_rules",
    "rank_from_inputs",
    "release_conflicted_assignments",
    "reverse_unlinked_teacher",
    "rubric_total",
    "save_licence",
    "save_pledge",
    "submit_recommendation",
    "submit_score",
    "update_campaign_settings",
    "update_recommendation",
    "update_rubric",
    "verify_results",
    "verify_snapshot",
    "withdraw_recommendation",
]
