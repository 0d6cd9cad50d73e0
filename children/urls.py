from django.urls import path

from children.views import child, excel, exports, facts, households, lists, updates

app_name = "children"

urlpatterns = [
    path("tre-em/", lists.child_list_view, name="child-list"),
    path("tre-em/<int:pk>/", child.child_detail_view, name="child-detail"),
    path("tre-em/<int:pk>/sua/", child.child_edit_view, name="child-edit"),
    path("tre-em/<int:pk>/chuyen-ho/", child.child_move_view, name="child-move"),
    path("tre-em/<int:pk>/chuyen-di/", child.child_moved_away_view, name="child-moved-away"),
    path("tre-em/<int:pk>/tu-vong/", child.child_death_view, name="child-death"),
    path("tre-em/<int:pk>/gop-ho-so/", child.child_merge_view, name="child-merge"),
    path("tre-em/<int:pk>/<slug:kind>/them/", facts.fact_create_view, name="fact-create"),
    path("tre-em/<int:pk>/<slug:kind>/<int:fact_pk>/sua/", facts.fact_edit_view, name="fact-edit"),
    path("ho-gia-dinh/", lists.household_list_view, name="household-list"),
    path("ho-gia-dinh/them/", households.household_create_view, name="household-create"),
    path("ho-gia-dinh/<int:pk>/", lists.household_detail_view, name="household-detail"),
    path("ho-gia-dinh/<int:pk>/sua/", households.household_edit_view, name="household-edit"),
    path("ho-gia-dinh/<int:pk>/ho-ngheo/", households.household_poverty_view, name="household-poverty"),
    path("ho-gia-dinh/<int:household_pk>/them-tre/", child.child_create_view, name="child-create"),
    path("ap-soc/", lists.hamlet_list_view, name="hamlet-list"),
    path("nhap-excel/", excel.import_view, name="import"),
    path("nhap-excel/mau.xlsx", excel.template_view, name="import-template"),
    path("nhap-excel/<uuid:pk>/", excel.import_job_view, name="import-job"),
    path("nhap-excel/<uuid:pk>/tien-do/", excel.import_progress_view, name="import-progress"),
    path("xuat-excel/tre-em/", exports.export_children_view, name="export-children"),
    path("xuat-excel/ho-gia-dinh/", exports.export_households_view, name="export-households"),
    path("xuat-excel/<uuid:pk>/", exports.export_job_view, name="export-job"),
    path("xuat-excel/<uuid:pk>/tien-do/", exports.export_progress_view, name="export-progress"),
    path("xuat-excel/<uuid:pk>/tai-ve/", exports.export_download_view, name="export-download"),
    path("ctv/ho/<int:pk>/bao-cao/", updates.report_choose_view, name="report-choose"),
    path("ctv/ho/<int:pk>/bao-cao/<slug:kind>/", updates.report_form_view, name="report-form"),
    path("ctv/da-gui/", updates.my_updates_view, name="my-updates"),
    path("duyet-cap-nhat/", updates.review_queue_view, name="review-queue"),
    path("duyet-cap-nhat/<int:pk>/", updates.review_detail_view, name="review-detail"),
]
