from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("ho-so/", views.case_list_view, name="list"),
    path("ho-so/tiep-nhan/", views.intake_view, name="intake"),
    path("ho-so/<int:pk>/", views.case_detail_view, name="detail"),
    path("ho-so/<int:pk>/buoc/<slug:action>/", views.case_step_view, name="step"),
    path("don-vi/nhiem-vu/", views.inbox_view, name="inbox"),
    path("don-vi/nhiem-vu/<int:pk>/", views.task_result_view, name="task"),
]
