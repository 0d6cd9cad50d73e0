from django.urls import path

from reports import views

# Not namespaced: tanloi_portal.roles names the home pages "home-officer", ... for every role.
urlpatterns = [
    path("trang-chu/can-bo/", views.home_officer, name="home-officer"),
    path("trang-chu/cong-tac-vien/", views.home_collaborator, name="home-collaborator"),
    path("trang-chu/don-vi/", views.home_unit, name="home-unit"),
    path("trang-chu/chu-tich/", views.home_chairman, name="home-chairman"),
    path("trang-chu/cap-tren/", views.home_district, name="home-district"),
]
