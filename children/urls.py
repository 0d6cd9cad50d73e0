from django.urls import path

from children import views

app_name = "children"

urlpatterns = [
    path("tre-em/", views.child_list_view, name="child-list"),
    path("tre-em/<int:pk>/", views.child_detail_view, name="child-detail"),
    path("ho-gia-dinh/", views.household_list_view, name="household-list"),
    path("ho-gia-dinh/<int:pk>/", views.household_detail_view, name="household-detail"),
    path("ap-soc/", views.hamlet_list_view, name="hamlet-list"),
]
