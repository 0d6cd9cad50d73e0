from django.urls import path

from reports import views, views_documents, views_notices, views_reports, views_workbook

# Not namespaced: tanloi_portal.roles names the home pages "home-officer", ... for every role.
urlpatterns = [
    path("trang-chu/can-bo/", views.home_officer, name="home-officer"),
    path("trang-chu/cong-tac-vien/", views.home_collaborator, name="home-collaborator"),
    path("trang-chu/don-vi/", views.home_unit, name="home-unit"),
    path("trang-chu/chu-tich/", views.home_chairman, name="home-chairman"),
    path("trang-chu/cap-tren/", views.home_district, name="home-district"),
    path("thong-bao/", views_notices.notices_view, name="notices"),
    path("van-ban/ke-hoach.pdf", views_documents.plan_pdf_view, name="plan-pdf"),
    path("van-ban/ke-hoach.docx", views_documents.plan_docx_view, name="plan-docx"),
    path("bao-cao/", views_reports.report_list, name="report-list"),
    path("bao-cao/<int:pk>/", views_reports.report_detail, name="report-detail"),
    path("bao-cao/<int:pk>/du-thao.pdf", views_reports.report_preview, name="report-preview"),
    path("bao-cao/<int:pk>/gui-duyet/", views_reports.report_submit_view, name="report-submit"),
    path("bao-cao/<int:pk>/duyet/", views_reports.report_decide_view, name="report-decide"),
    path("bao-cao/<int:pk>/dinh-chinh/", views_reports.report_correct_view, name="report-correct"),
    path("bao-cao/<int:pk>/tai-ve/", views_reports.report_download, name="report-download"),
    path("bang-tong-hop/", views_workbook.workbook_view, name="workbook"),
    path("bang-tong-hop/tao/", views_workbook.workbook_start_view, name="workbook-start"),
    path("bang-tong-hop/<uuid:pk>/", views_workbook.workbook_job_view, name="workbook-job"),
    path("bang-tong-hop/<uuid:pk>/tien-do/", views_workbook.workbook_progress_view, name="workbook-progress"),
    path("bang-tong-hop/<uuid:pk>/tai-ve/", views_workbook.workbook_download_view, name="workbook-download"),
]
