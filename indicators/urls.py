from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("ke-hoach/", views.plan_view, name="plan"),
]
