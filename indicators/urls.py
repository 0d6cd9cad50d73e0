from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("ke-hoach/", views.plan_view, name="plan"),
    path("ke-hoach/van-ban/", views.plan_text_view, name="plan-text"),
    path("chi-tieu/", views.board_view, name="board"),
    path("chi-tieu/tinh-lai/", views.recompute_view, name="recompute"),
    path("chi-tieu/tien-do/", views.freshness_view, name="freshness"),
    path("chi-tieu/<str:code>/", views.metric_view, name="metric"),
    path("chi-tieu/<str:code>/tre-em/", views.drill_down_view, name="drill-down"),
    path("chi-tieu/<str:code>/nhap/", views.enter_view, name="enter"),
    path("chi-tieu/<str:code>/nam-goc/", views.baseline_view, name="baseline"),
]
