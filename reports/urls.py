from django.urls import path

from reports import views, views_documents, views_workbook

# Not namespaced: tanloi_portal.roles names the home pages "home-officer", ... for every role.
urlpatterns = [
    path("trang-chu/can-bo/", views.home_officer, name="home-officer"),
    path("trang-chu/cong-tac-vien/", views.home_collaborator, name="home-collaborator"),
    path("trang-chu/don-vi/", views.home_unit, name="home-unit"),
    path("trang-chu/chu-tich/", views.home_chairman, name="home-chairman"),
    path("trang-chu/cap-tren/", views.home_district, name="home-district"),
    path("van-ban/ke-hoach.pdf", views_documents.plan_pdf_view, name="plan-pdf"),
    path("van-ban/ke-hoach.docx", views_documents.plan_docx_view, name="plan-docx"),
    path("bang-tong-hop/", views_workbook.workbook_view, name="workbook"),
    path("bang-tong-hop/tao/", views_workbook.workbook_start_view, name="workbook-start"),
    path("bang-tong-hop/<uuid:pk>/", views_workbook.workbook_job_view, name="workbook-job"),
    path("bang-tong-hop/<uuid:pk>/tien-do/", views_workbook.workbook_progress_view, name="workbook-progress"),
    path("bang-tong-hop/<uuid:pk>/tai-ve/", views_workbook.workbook_download_view, name="workbook-download"),
]
