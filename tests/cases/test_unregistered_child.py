"""A report about a child not in the registry: received with what the reporter knows (a name, an approximate age,
a hamlet), handled like any case, counted in the statistics, and linked to the child's record once it is there."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_statistics
from cases.services import case_link_child, case_open
from tests.cases.steps import walk
from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def _received(hours: int = 2) -> str:
    return (timezone.localtime() - timedelta(hours=hours)).strftime("%d/%m/%Y %H:%M")


def _intake(**changes) -> dict:
    return {"concern": "violence", "channel": "hotline_111", "received_at": _received(), "description": "Bị đánh",
            **changes}  # fmt: skip


def test_the_intake_receives_a_report_about_a_child_not_in_the_registry(users, client_for, hamlet_a):
    officer = client_for(users["officer"])
    page = officer.get(reverse("cases:intake")).content.decode()
    assert "Trẻ chưa có trong sổ" in page and "hộ của mình" not in page
    # Neither a child of the registry nor a name: what to do is said, and what was typed is kept.
    refused = officer.post(reverse("cases:intake"), _intake(reported_age="7"))
    content = refused.content.decode()
    assert refused.status_code == 200 and not Case.objects.exists()
    assert "Chọn trẻ trong sổ, hoặc ghi tên trẻ được báo" in content and "Chọn ấp/sóc nơi trẻ ở." in content
    assert 'value="7"' in content and "Bị đánh" in content
    sent = officer.post(
        reverse("cases:intake"), _intake(reported_name="bé  Tí", reported_age="7", reported_hamlet=hamlet_a.pk)
    )
    case = Case.objects.get()
    assert sent.status_code == 302 and sent.url == reverse("cases:detail", args=[case.pk])
    assert case.child is None and case.reported_name == "bé Tí" and case.commune_id == hamlet_a.commune_id
    detail = officer.get(sent.url).content.decode()
    assert "bé Tí (khoảng 7 tuổi, chưa có trong sổ) · Ấp" in detail and "Gắn với trẻ trong sổ" in detail
    listing = officer.get(reverse("cases:list")).content.decode()
    assert hamlet_a.name in listing.split(f"#{case.pk}")[1][:600]
    pdf = officer.get(reverse("cases:case-file", args=[case.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_hamlet_of_another_commune_is_refused(users, other_commune):
    other_hamlet = other_commune.hamlets.first()
    with pytest.raises(ValidationError) as error:
        case_open(reported_name="Bé Tí", reported_hamlet=other_hamlet, concern="violence", channel="family",
                  received_at=timezone.now(), description="x", by=users["officer"])  # fmt: skip
    assert "reported_hamlet" in error.value.message_dict and not Case.objects.exists()


def test_such_a_case_follows_the_steps_is_counted_and_is_linked_once_the_child_is_registered(
    users, client_for, hamlet_a
):
    officer = users["officer"]
    case = case_open(reported_name="Bé Tí", reported_age=7, reported_hamlet=hamlet_a, concern="violence",
                     channel="hotline_111", received_at=timezone.now() - timedelta(hours=2), description="Bị đánh",
                     by=officer)  # fmt: skip
    walk(case, users, 2, confirmed=True)  # assessed as confirmed abuse, then assessed in detail
    year = timezone.localdate().year
    stats = case_statistics(user=officer, year=year)
    assert stats.abused_children == 1 and stats.abused_not_in_registry == 1
    assert (hamlet_a.name, 1, 1) in stats.by_hamlet
    page = client_for(officer).get(reverse("cases:statistics")).content.decode()
    assert "trong đó 1 trẻ chưa có trong sổ" in page

    # The child is registered; the officer finds and links it.
    tí = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a, code="01-900"), full_name="Lê Văn Tí")
    client = client_for(officer)
    url = reverse("cases:link-child", args=[case.pk])
    form = client.get(url).content.decode()
    assert "Bé Tí (khoảng 7 tuổi, chưa có trong sổ)" in form
    found = client.post(url, {"q": "le van ti", "tim": "1", "version": case.version}).content.decode()
    assert f'value="{tí.pk}"' in found
    case.refresh_from_db()
    assert client.post(url, {"child": tí.pk, "version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.child == tí and case.reported_name == "Bé Tí"  # what the report said stays
    assert case.timeline.filter(text__startswith="Đã gắn với trẻ trong sổ: Lê Văn Tí").exists()
    stats = case_statistics(user=officer, year=year)
    assert stats.abused_children == 1 and stats.abused_not_in_registry == 0
    # Linked once: the page sends back to the case, the service refuses a second link.
    assert client.get(url).status_code == 302
    with pytest.raises(ValidationError):
        case_link_child(case=case, child=tí, by=officer, expected_version=case.version)


def test_only_the_officer_of_the_commune_links_and_only_a_child_of_the_commune(
    users, client_for, hamlet_a, other_commune
):
    case = case_open(reported_name="Bé Tí", reported_hamlet=hamlet_a, concern="violence", channel="family",
                     received_at=timezone.now(), description="x", by=users["officer"])  # fmt: skip
    elsewhere = ChildFactory(household=HouseholdFactory(hamlet=other_commune.hamlets.first()))
    with pytest.raises(PermissionDenied):
        case_link_child(case=case, child=elsewhere, by=users["officer"], expected_version=case.version)
    with pytest.raises(PermissionDenied):
        case_link_child(case=case, child=ChildFactory(household=HouseholdFactory(hamlet=hamlet_a)),
                        by=users["chairman"], expected_version=case.version)  # fmt: skip
    for role in ("chairman", "health", "ctv_a", "district"):
        assert client_for(users[role]).get(reverse("cases:link-child", args=[case.pk])).status_code == 403
    # A child the officer cannot choose is not accepted from a forged form either.
    response = client_for(users["officer"]).post(
        reverse("cases:link-child", args=[case.pk]), {"child": elsewhere.pk, "version": case.version}
    )
    case.refresh_from_db()
    assert response.status_code == 200 and case.child is None


def test_a_collaborators_concern_naming_no_child_is_received_with_its_hamlet(users, client_for, hamlet_a):
    import uuid

    from children.household_updates import update_submit

    home = HouseholdFactory(hamlet=hamlet_a)
    data = {"urgent": "False", "description": "Một bé lạ ở nhờ nhà này, hay bị đánh"}
    concern = update_submit(user=users["ctv_a"], household=home, kind="safety_concern", client_id=uuid.uuid4(),
                            data=data)  # fmt: skip
    officer = client_for(users["officer"])
    url = reverse("cases:intake") + f"?lo-ngai={concern.pk}"
    form = officer.get(url).content.decode()
    hamlets = form.split('name="reported_hamlet"')[1].split("</select>")[0]
    assert f'value="{hamlet_a.pk}" selected' in hamlets
    sent = officer.post(url, _intake(channel="collaborator", reported_name="Bé Lụa", reported_hamlet=hamlet_a.pk))
    assert sent.status_code == 302
    case = Case.objects.get(from_update=concern)
    assert case.child is None and case.reported_hamlet == hamlet_a
    concern.refresh_from_db()
    assert concern.state == "approved"
