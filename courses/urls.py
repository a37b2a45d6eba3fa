from django.urls import path

from .views import guides, manage, plans, public, teachers

app_name = "courses"

urlpatterns = [
    path("", public.catalogue, name="catalogue"),
    path("<int:pk>/", public.course_detail, name="course"),
    path("guides/", public.guide_list, name="guides"),
    path("guides/<int:pk>/", public.guide_detail, name="guide"),
    path("mine/", manage.my_courses, name="my_courses"),
    path("mine/new/", manage.course_create, name="course_create"),
    path("mine/<int:pk>/", manage.course_edit, name="course_edit"),
    path("mine/<int:pk>/status/", manage.course_status, name="course_status"),
    path("mine/<int:pk>/new-version/", manage.course_new_version, name="course_new_version"),
    path("mine/upload/", manage.course_upload, name="upload"),
    path("mine/publish/", manage.bulk_publish, name="bulk_publish"),
    path("mine/upload/template.xlsx", manage.upload_template, name="upload_template"),
    path("export.xlsx", manage.export_xlsx, name="export"),
    path("teachers/", teachers.my_teachers, name="my_teachers"),
    path("teachers/new/", teachers.teacher_create, name="teacher_create"),
    path("teachers/<int:pk>/", teachers.teacher_edit, name="teacher_edit"),
    path("my-teaching/", teachers.my_teaching, name="my_teaching"),
    path("my-teaching/<int:pk>/", teachers.my_teaching_answer, name="my_teaching_answer"),
    path("platforms/", manage.my_platforms, name="my_platforms"),
    path("platforms/new/", manage.platform_create, name="platform_create"),
    path("platforms/<int:pk>/", manage.platform_edit, name="platform_edit"),
    path("manage/guides/", guides.my_guides, name="my_guides"),
    path("manage/guides/new/", guides.guide_create, name="guide_create"),
    path("manage/guides/<int:pk>/", guides.guide_edit, name="guide_edit"),
    path("manage/guides/<int:pk>/publish/", guides.guide_publish, name="guide_publish"),
    path("manage/guides/<int:pk>/sections/new/", guides.section_add, name="section_add"),
    path("manage/sections/<int:pk>/", guides.section_edit, name="section_edit"),
    path("manage/sections/<int:pk>/delete/", guides.section_delete, name="section_delete"),
    path("work-plans/", plans.work_plans, name="work_plans"),
    path("work-plans/new/", plans.work_plan_new, name="work_plan_new"),
    path("work-plans/<int:pk>/file/", plans.work_plan_file, name="work_plan_file"),
    path("work-plans/review/", plans.plan_reviews, name="plan_reviews"),
    path("work-plans/review/<int:pk>/", plans.plan_decide, name="plan_decide"),
    path("topics/", plans.topics, name="topics"),
    path("topics/copy/", plans.topics_copy, name="topics_copy"),
    path("topics/<int:pk>/", plans.topic_edit, name="topic_edit"),
]
