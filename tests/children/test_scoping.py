"""Scoping: a collaborator sees their own hamlet only; nobody sees another commune's registry."""

import pytest
from django.urls import reverse

from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(hamlet_a, hamlet_b, other_commune):
    home_a = HouseholdFactory(hamlet=hamlet_a, code="A-001", head="Lê Văn Ánh")
    home_b = HouseholdFactory(hamlet=hamlet_b, code="B-001", head="Phạm Văn Bảo")
    away = HouseholdFactory(hamlet=other_commune.hamlets.get(), code="X-001", head="Đinh Văn Xa")
    return {
        "home_a": home_a,
        "home_b": home_b,
        "away": away,
        "child_a": ChildFactory(household=home_a, full_name="Nguyễn Văn An"),
        "child_b": ChildFactory(household=home_b, full_name="Nguyễn Văn Bình"),
        "child_x": ChildFactory(household=away, full_name="Nguyễn Văn Xuân"),
    }


def _detail_urls(registry, *keys):
    urls = []
    for key in keys:
        obj = registry[key]
        name = "children:child-detail" if key.startswith("child") else "children:household-detail"
        urls.append(reverse(name, kwargs={"pk": obj.pk}))
    return urls


def test_collaborator_reads_own_hamlet_records(users, client_for, registry):
    client = client_for(users["ctv_a"])
    for url in _detail_urls(registry, "child_a", "home_a"):
        assert client.get(url).status_code == 200, url


def test_collaborator_cannot_reach_another_hamlets_or_communes_records_by_any_url(users, client_for, registry):
    client = client_for(users["ctv_a"])
    for url in _detail_urls(registry, "child_b", "home_b", "child_x", "away"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "url_name, params",
    [
        ("children:child-list", {}),
        ("children:child-list", {"q": "nguyen van"}),
        ("children:child-list", {"q": "B-001"}),
        ("children:household-list", {}),
        ("children:household-list", {"q": "pham van bao"}),
        ("home-collaborator", {}),
    ],
)
def test_collaborator_lists_and_searches_show_no_other_hamlet(users, client_for, registry, hamlet_b, url_name, params):
    client = client_for(users["ctv_a"])
    # Even a crafted hamlet filter for another hamlet yields nothing of it.
    for extra in ({}, {"hamlet": hamlet_b.pk}):
        content = client.get(reverse(url_name), {**params, **extra}).content.decode()
        typed = set(params.values())
        for leaked in ("Nguyễn Văn Bình", "B-001", "Phạm Văn Bảo", "Nguyễn Văn Xuân", "X-001", "Ấp 2"):
            # What the user typed is echoed in the search box; anything else must not appear.
            if leaked not in typed:
                assert leaked not in content, (url_name, params, extra, leaked)


def test_collaborator_home_counts_only_their_hamlet(users, client_for, registry):
    response = client_for(users["ctv_a"]).get(reverse("home-collaborator"))
    assert response.context["hamlet"].pk == users["ctv_a"].hamlet_id
    assert response.context["hamlet"].child_count == 1


@pytest.mark.parametrize("key", ["officer", "health", "school"])
def test_commune_staff_see_the_whole_commune_but_not_another_commune(users, client_for, registry, key):
    client = client_for(users[key])
    for url in _detail_urls(registry, "child_a", "child_b", "home_a", "home_b"):
        assert client.get(url).status_code == 200, url
    for url in _detail_urls(registry, "child_x", "away"):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("children:child-list")).content.decode()
    assert "Nguyễn Văn An" in listing and "Nguyễn Văn Bình" in listing
    assert "Nguyễn Văn Xuân" not in listing


@pytest.mark.parametrize("key", ["chairman", "district", "admin"])
def test_roles_without_registry_access_get_no_individual_record(users, client_for, registry, key):
    client = client_for(users[key])
    for url in _detail_urls(registry, "child_a", "home_a"):
        assert client.get(url).status_code == 403, url


def test_chairman_and_district_see_counts_not_names(users, client_for, registry):
    for key, url in (("chairman", "home-chairman"), ("district", "home-district")):
        content = client_for(users[key]).get(reverse(url)).content.decode()
        assert "Nguyễn Văn An" not in content and "A-001" not in content
    district = client_for(users["district"]).get(reverse("home-district"))
    counts = {c.code: (c.hamlet_count, c.household_count, c.child_count) for c in district.context["communes"]}
    assert counts == {"tan-loi": (13, 2, 2), "tan-hung": (1, 1, 1)}
