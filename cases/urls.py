from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("ho-so/", views.case_list_view, name="list"),
    path("ho-so/tiep-nhan/", views.intake_view, name="intake"),
    path("ho-so/thong-ke/", views.statistics_view, name="statistics"),
    path("ho-so/<int:pk>/", views.case_detail_view, name="detail"),
    path("ho-so/<int:pk>/buoc/<slug:action>/", views.case_step_view, name="step"),
    path("ho-so/<int:pk>/phan-cong/", views.assign_view, name="assign"),
    path("ho-so/<int:pk>/ghi-chu/", views.note_view, name="note"),
    path("ho-so/<int:pk>/gan-tre/", views.link_child_view, name="link-child"),
    path("ho-so/<int:pk>/dinh-kem/", views.attachment_upload_view, name="attach"),
    path("ho-so/<int:pk>/ban-in.pdf", views.case_file_view, name="case-file"),
    path("ho-so/tep/<int:pk>/", views.attachment_view, name="attachment"),
    path("don-vi/nhiem-vu/", views.inbox_view, name="inbox"),
    path("don-vi/nhiem-vu/<int:pk>/", views.task_result_view, name="task"),
]
