from django.urls import path

from . import views

app_name = "credits"

urlpatterns = [
    path("", views.my_hours, name="my_hours"),
    path("report/", views.self_report, name="self_report"),
    path("records/<int:pk>/proof/", views.proof, name="proof"),
    path("my/records/<int:pk>/", views.my_record, name="my_record"),
    path("my/records/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificate/<int:year>/", views.certificate, name="certificate"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify, name="verify_code"),
    path("roster/", views.roster, name="roster"),
    path("roster/export/", views.roster_export, name="roster_export"),
    path("people/<int:pk>/", views.person_records, name="person_records"),
    path("organisations/<int:pk>/", views.organisation_roster, name="organisation_roster"),
    path("organisations/<int:pk>/export/", views.organisation_roster_export, name="organisation_roster_export"),
    path("approvals/", views.queue, name="queue"),
    path("approvals/<int:pk>/", views.decide, name="decide"),
    path("city/", views.city_report, name="city_report"),
    path("province/", views.province_report, name="province_report"),
    path("audit/", views.audit_records, name="audit"),
    path("audit/<int:pk>/reverse/", views.reverse, name="reverse"),
    path("policies/", views.policies, name="policies"),
    path("policies/new/", views.policy_edit, name="policy_new"),
    path("policies/<int:year>/", views.policy_edit, name="policy_edit"),
    path("requirements/", views.requirements, name="requirements"),
    path("requirements/<int:pk>/delete/", views.requirement_remove, name="requirement_remove"),
    path("import/", views.import_records, name="import"),
    path("import/template/", views.import_template, name="import_template"),
]
