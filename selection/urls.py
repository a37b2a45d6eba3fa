from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/candidates/", views.candidates, name="candidates"),
    path("<int:year>/results/", views.results, name="results"),
    path("<int:year>/objections/new/", views.objection_new, name="objection_new"),
    path("objections/mine/", views.my_objections, name="my_objections"),
    path("teachers/", views.teacher_pool, name="teacher_pool"),
    path("teaching-credits/pending/", views.pending_teaching_credits, name="pending_teaching_credits"),
    path("teaching-credits/<int:pk>/decide/", views.decide_teaching_credit, name="decide_teaching_credit"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("unit/", views.unit_home, name="unit"),
    path("unit/<int:year>/new/", views.unit_new, name="unit_new"),
    path("unit/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("unit/<int:pk>/submit/", views.unit_submit, name="unit_submit"),
    path("unit/<int:pk>/withdraw/", views.unit_withdraw, name="unit_withdraw"),
    path("recommendations/<int:pk>/pledge.pdf", views.unit_pledge_scan, name="pledge_scan"),
    path("recommendations/<int:pk>/licence.pdf", views.unit_licence, name="licence"),
    path("expert/", views.expert_home, name="expert"),
    path("expert/<int:year>/declaration/", views.expert_declaration, name="expert_declaration"),
    path("expert/assignments/<int:pk>/", views.expert_assignment, name="expert_assignment"),
    path("expert/assignments/<int:pk>/conflict/", views.expert_conflict, name="expert_conflict"),
    path("vote/", views.vote_home, name="vote"),
    path("vote/<int:year>/<int:pk>/", views.vote_cast, name="vote_cast"),
    path("manage/", views.manage_home, name="manage"),
    path("manage/new/", views.manage_new, name="manage_new"),
    path("manage/<int:year>/", views.manage_campaign, name="manage_campaign"),
    path("manage/<int:year>/settings/", views.manage_settings, name="manage_settings"),
    path("manage/<int:year>/phase/<slug:to_phase>/", views.manage_phase, name="manage_phase"),
    path("manage/<int:year>/tie/", views.manage_tie, name="manage_tie"),
    path("manage/<int:year>/correct/", views.manage_correct, name="manage_correct"),
    path("manage/<int:year>/objections/<int:pk>/answer/", views.manage_answer, name="manage_answer"),
    path("manage/<int:year>/assignments/", views.manage_assignments, name="manage_assignments"),
    path("manage/<int:year>/anomalies/", views.manage_anomalies, name="manage_anomalies"),
    path("manage/<int:year>/export/results.xlsx", views.manage_export_results, name="export_results"),
    path("manage/<int:year>/export/scores.xlsx", views.manage_export_scores, name="export_scores"),
]
