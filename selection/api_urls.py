from django.urls import path

from . import api

urlpatterns = [
    path("selection/campaigns/", api.CampaignList.as_view(), name="api-campaigns"),
    path("selection/campaigns/<int:pk>/candidates/", api.CandidateList.as_view(), name="api-campaign-candidates"),
    path("selection/campaigns/<int:pk>/votes/", api.VoteCreate.as_view(), name="api-campaign-votes"),
    path("selection/campaigns/<int:pk>/results/", api.ResultsView.as_view(), name="api-campaign-results"),
    path("selection/assignments/<int:pk>/score/", api.ScoreSubmit.as_view(), name="api-assignment-score"),
]
