from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from tanloi_portal import login_views, views
from tanloi_portal.access import allow_any_user, public
from tanloi_portal.forms import LoginForm

admin.site.site_header = "Quản trị - Cổng BVCSTE xã Tân Lợi"
admin.site.site_title = "Quản trị"
# "Xem trang web": the admin's home in the portal is the admin site itself; the indicator board is what it reads.
admin.site.site_url = reverse_lazy("indicators:board")

urlpatterns = [
    path("", views.home, name="home"),
    path("tro-giup/", views.help_view, name="help"),
    path(
        "dang-nhap/",
        public(auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)),
        name="login",
    ),
    path("dang-xuat/", login_views.PortalLogoutView.as_view(), name="logout"),
    path("phien/con-lam-viec/", login_views.keepalive, name="keepalive"),
    path("xac-thuc-hai-buoc/", login_views.second_factor_setup, name="second-factor-setup"),
    path("xac-thuc-hai-buoc/ma/", login_views.second_factor_verify, name="second-factor-verify"),
    path("doi-mat-khau/", allow_any_user(auth_views.PasswordChangeView.as_view()), name="password_change"),
    path(
        "doi-mat-khau/xong/", allow_any_user(auth_views.PasswordChangeDoneView.as_view()), name="password_change_done"
    ),
    path("i18n/setlang/", views.set_language_view, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("quan-tri/", admin.site.urls),
    path("", include("children.urls")),
    path("", include("indicators.urls")),
    path("", include("cases.urls")),
    path("", include("reports.urls")),
]
