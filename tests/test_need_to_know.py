"""Who may read what, on every path: the child list's filters, its columns, the Excel export and the indicator
drill-down each give a role exactly what that role's child page shows it (children.permissions)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import (
    BirthRegistration,
    CircumstanceMembership,
    ExportJob,
    SchoolEnrolment,
    SpecialCircumstanceGroup,
)
from children.permissions import child_page_sections
from children.selectors import current_school_year
from tanloi_portal.models import AccessLog, Role
from tests.exports import export, sheet_of
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET_NOTE = "Ghi chú mật: cha dượng đánh trẻ"
GROUP_11 = "Trẻ em bị xâm hại tình dục"


@pytest.fixture
def cast(users, commune):
    units = {u.code: u for u in commune.units.all()}
    more = {
        "justice": UserFactory(username="tuphap", role=Role.UNIT_STAFF, commune=commune, unit=units["tu-phap"]),
        "police": UserFactory(username="congan", role=Role.UNIT_STAFF, commune=commune, unit=units["cong-an"]),
    }
    return {**users, **more}


@pytest.fixture
def registry(hamlet_a):
    """Three children of hamlet A: one in group 11 with a note and out of school, one at school with a birth
    registration, one with neither."""
    today = timezone.localdate()
    abused = ChildFactory(full_name="Lê Thị Hồng", notes=SECRET_NOTE, date_of_birth=date(2013, 4, 2))
    CircumstanceMembership.objects.create(
        child=abused, group=SpecialCircumstanceGroup.objects.get(number=11), started_on=date(2024, 1, 5)
    )
    pupil = ChildFactory(full_name="Phạm Văn Minh", date_of_birth=date(2016, 9, 1))
    SchoolEnrolment.objects.create(
        child=pupil, school_year=current_school_year(today), level="primary", grade=4, school="Trường TH Tân Lợi"
    )
    BirthRegistration.objects.create(child=pupil, registered_on=date(2016, 9, 20))
    other = ChildFactory(full_name="Võ Thị Lan", date_of_birth=date(2019, 2, 3))
    return {"abused": abused, "pupil": pupil, "other": other}


def _names(content: str, registry: dict) -> set[str]:
    return {key for key, child in registry.items() if child.full_name in content}


# filter -> (query, the section it reads, the children it selects when honoured)
FILTERS = {
    "group": ({"group": "11"}, "protection", {"abused"}),
    "any group": ({"group": "0"}, "protection", {"abused"}),
    "school": ({"school_status": "enrolled"}, "school", {"pupil"}),
    "not in school": ({"school_status": "not_in_school"}, "school", {"abused", "other"}),
    "no birth registration": ({"no_birth_registration": "on"}, "civil", {"abused", "other"}),
}
READERS = ("officer", "ctv_a", "health", "school", "justice", "police")


@pytest.mark.parametrize("role", READERS)
def test_the_child_list_offers_and_honours_only_the_filters_of_sections_the_child_page_shows(
    role, cast, registry, client_for
):
    user = cast[role]
    client = client_for(user)
    sections = child_page_sections(user)
    everyone = _names(client.get(reverse("children:child-list")).content.decode(), registry)
    assert everyone == set(registry)
    page = client.get(reverse("children:child-detail", args=[registry["abused"].pk])).content.decode()
    assert (GROUP_11 in page) == ("protection" in sections)
    assert (SECRET_NOTE in page) == ("notes" in sections)

    for name, (query, section, selected) in FILTERS.items():
        response = client.get(reverse("children:child-list"), query)
        content = response.content.decode()
        field = next(iter(query))
        if section in sections:
            assert _names(content, registry) == selected, (role, name)
            assert f'name="{field}"' in content, (role, name)
        else:
            assert _names(content, registry) == everyone, (role, name)  # ignored, not honoured
            assert f'name="{field}"' not in content, (role, name)  # and not offered


@pytest.mark.parametrize("role", READERS)
def test_the_child_export_has_the_columns_and_rows_the_child_page_and_list_allow(role, cast, registry, client_for):
    user = cast[role]
    client = client_for(user)
    sections = child_page_sections(user)
    for name, (query, section, selected) in {"all": ({}, "general", set(registry)), **FILTERS}.items():
        sheet = sheet_of(export(client, "children:export-children", query), read_only=True)
        rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
        headers = rows[3]
        body = rows[4:]
        assert ("Nhóm hoàn cảnh đặc biệt" in headers) == ("protection" in sections), (role, name)
        assert ("Ghi chú" in headers) == ("notes" in sections), (role, name)
        assert ("Đăng ký khai sinh" in headers) == ("civil" in sections), (role, name)
        flat = " ".join(str(c) for row in body for c in row if c is not None)
        assert (SECRET_NOTE in flat) == ("notes" in sections and "abused" in selected), (role, name)
        expected = selected if section in sections else set(registry)
        assert _names(flat, registry) == expected, (role, name)
        entry = AccessLog.objects.filter(user=user, action="export").order_by("-pk").first()
        assert entry.details["rows"] == len(expected), (role, name)


def test_the_chairman_and_the_level_above_read_no_child_through_any_list_or_export(cast, registry, client_for):
    for role in ("chairman", "district", "admin"):
        client = client_for(cast[role])
        assert client.get(reverse("children:child-list"), {"group": "11"}).status_code == 403, role
        for name in ("children:export-children", "children:export-households"):
            assert client.post(reverse(name) + "?group=11").status_code == 403, (role, name)
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("role", ("officer", "health", "school", "justice", "police"))
def test_the_drill_down_of_a_protection_metric_follows_the_child_page(role, cast, registry, client_for):
    user = cast[role]
    client = client_for(user)
    response = client.get(reverse("indicators:drill-down", args=["8a"]), {"nam": timezone.localdate().year})
    if "protection" in child_page_sections(user):
        assert response.status_code == 200
        assert registry["abused"].full_name in response.content.decode()
    else:
        assert response.status_code == 403
        assert registry["abused"].full_name not in response.content.decode()


def test_filtered_lists_and_exports_are_logged_with_their_filters_and_row_counts(cast, registry, client_for):
    client = client_for(cast["officer"])
    client.get(reverse("children:child-list"), {"group": "11"})
    client.get(reverse("children:child-list"), {"q": "Minh"})  # a name search reads the general section only
    export(client, "children:export-children", {"group": "11"})
    export(client, "children:export-households")
    entries = list(AccessLog.objects.filter(user=cast["officer"]).order_by("pk"))
    assert [(e.action, e.object_type, e.details) for e in entries] == [
        ("list", "children.child", {"filters": {"group": 11}, "rows": 1}),
        ("export", "children.child", {"filters": {"group": 11}, "rows": 1}),
        ("export", "children.household", {"rows": 3}),
    ]


def test_a_refused_filter_is_not_logged_as_a_read_of_the_section(cast, registry, client_for):
    client = client_for(cast["police"])
    client.get(reverse("children:child-list"), {"group": "11"})
    assert not AccessLog.objects.filter(user=cast["police"], action="list").exists()
