"""Deny by default: every URL of the portal, tried with every role and anonymously."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cases.services import attachment_add, case_assign, case_open, case_step
from children.models import ExportJob, HouseholdUpdate, ImportJob
from reports.models import ProgressReport
from tanloi_portal.access import ADMIN_SITE, rule_for
from tanloi_portal.models import Role, WorkbookJob
from tests.factories import ChildFactory, GrowthMeasurementFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

ALL = frozenset(Role.values)
PUBLIC = "public"
REGISTRY = frozenset({Role.OFFICER, Role.COLLABORATOR, Role.UNIT_STAFF})
WORKBOOK = frozenset({Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT})

# Who may use each named URL (DESIGN section 2). A URL missing here fails the walk below: every new view
# must be classified in this table before it can land.
EXPECTED = {
    "home": ALL,
    "home-officer": {Role.OFFICER},
    "home-collaborator": {Role.COLLABORATOR},
    "home-unit": {Role.UNIT_STAFF},
    "home-chairman": {Role.CHAIRMAN},
    "home-district": {Role.DISTRICT},
    "login": PUBLIC,
    "logout": PUBLIC,
    # The idle warning's "stay signed in" ping.
    "keepalive": ALL,
    # Any user may turn the second factor on; the code page sends a user who owes no code on.
    "second-factor-setup": ALL,
    "second-factor-verify": ALL,
    "set_language": PUBLIC,
    "healthz": PUBLIC,
    "password_change": ALL,
    "password_change_done": ALL,
    "children:child-list": REGISTRY,
    "children:child-detail": REGISTRY,
    "children:household-list": REGISTRY,
    "children:household-detail": REGISTRY,
    "children:hamlet-list": {Role.OFFICER, Role.UNIT_STAFF},
    "children:child-edit": {Role.OFFICER},
    "children:child-move": {Role.OFFICER},
    "children:child-moved-away": {Role.OFFICER},
    "children:child-death": {Role.OFFICER},
    "children:child-merge": {Role.OFFICER},
    "children:child-create": {Role.OFFICER},
    "children:household-create": {Role.OFFICER},
    "children:household-edit": {Role.OFFICER},
    "children:household-poverty": {Role.OFFICER},
    # Unit staff pass the role check; which kinds of fact their unit owns is checked next (test_registry_writes).
    "children:fact-create": {Role.OFFICER, Role.UNIT_STAFF},
    "children:fact-edit": {Role.OFFICER, Role.UNIT_STAFF},
    "children:report-choose": {Role.COLLABORATOR},
    "children:report-form": {Role.COLLABORATOR},
    "children:my-updates": {Role.COLLABORATOR},
    "children:review-queue": {Role.OFFICER},
    "children:review-detail": {Role.OFFICER},
    "children:import": {Role.OFFICER},
    "children:import-template": {Role.OFFICER},
    "children:import-job": {Role.OFFICER},
    "children:import-progress": {Role.OFFICER},
    # Asking for an export (a POST); its page, progress and download are for the user who asked alone (the walk
    # gives each user a job of their own; tests/children/test_excel_jobs.py refuses everyone else's).
    "children:export-children": REGISTRY,
    "children:export-households": REGISTRY,
    "children:export-job": REGISTRY,
    "children:export-progress": REGISTRY,
    "children:export-download": REGISTRY,
    "cases:list": {Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF},
    "cases:intake": {Role.OFFICER},
    # The case page itself: the officer; the chairman while a decision of theirs waits (the walk's case does:
    # it was assessed in danger); unit staff when their unit is assigned (the walk's health station is).
    "cases:detail": {Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF},
    "cases:step": {Role.OFFICER},
    "cases:assign": {Role.OFFICER},
    # Linking a case about a child not in the registry to the child's record.
    "cases:link-child": {Role.OFFICER},
    # Notes and attachments: the officer and the staff of an assigned unit (not the chairman).
    "cases:note": {Role.OFFICER, Role.UNIT_STAFF},
    "cases:attach": {Role.OFFICER, Role.UNIT_STAFF},
    # Reading a case's files and printing it follow the case page.
    "cases:attachment": {Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF},
    "cases:case-file": {Role.OFFICER, Role.CHAIRMAN, Role.UNIT_STAFF},
    # Counts that name no child: the level above reads those of the communes it oversees.
    "cases:statistics": {Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT},
    "cases:inbox": {Role.UNIT_STAFF},
    "cases:task": {Role.OFFICER, Role.UNIT_STAFF},
    "indicators:plan": ALL,
    # What waits for each user: everyone has the page, each told only of what they may see (test_notices.py).
    "notices": ALL,
    "help": ALL,
    # The plan's words are the officer's to edit; its PDF and .docx are the officer's and the chairman's.
    "indicators:plan-text": {Role.OFFICER},
    "plan-pdf": {Role.OFFICER, Role.CHAIRMAN},
    "plan-docx": {Role.OFFICER, Role.CHAIRMAN},
    # The periodic report: the officer prepares, the chairman decides, the level above reads what is issued
    # (the walk's report is issued; tests/reports/test_progress_report.py holds the rest of the rules).
    "report-list": {Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT},
    "report-detail": {Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT},
    "report-preview": {Role.OFFICER, Role.CHAIRMAN},
    "report-submit": {Role.OFFICER},
    "report-decide": {Role.CHAIRMAN},
    "report-correct": {Role.OFFICER},
    "report-download": {Role.OFFICER, Role.CHAIRMAN, Role.DISTRICT},
    "indicators:board": ALL - {Role.COLLABORATOR},
    "indicators:metric": ALL - {Role.COLLABORATOR},
    # The children behind a figure, and entering values: the officer and unit staff (the metric's lead unit).
    "indicators:drill-down": {Role.OFFICER, Role.UNIT_STAFF},
    "indicators:enter": {Role.OFFICER, Role.UNIT_STAFF},
    # Asking the worker to recompute a year: the officer; whether the board's figures are still being
    # recomputed: whoever sees the board.
    "indicators:recompute": {Role.OFFICER},
    "indicators:baseline": {Role.OFFICER},
    "indicators:freshness": ALL - {Role.COLLABORATOR},
    # The workbook for the level above: the commune's officer and chairman, the level above for its communes;
    # a job's page, progress and download for the user who asked alone (tests/reports/test_workbook.py).
    "workbook": WORKBOOK,
    "workbook-start": WORKBOOK,
    "workbook-job": WORKBOOK,
    "workbook-progress": WORKBOOK,
    "workbook-download": WORKBOOK,
}
# Requests that must be POSTs.
POST_ONLY = {
    "logout",
    "set_language",
    "keepalive",
    "children:export-children",
    "children:export-households",
    "indicators:recompute",
    "workbook-start",
    "report-submit",
    "report-decide",
    "report-correct",
}
EXPORT_JOB_URLS = ("children:export-job", "children:export-progress", "children:export-download")
REPORT_STEPS = ("report-submit", "report-decide")
REPORT_URLS = ("report-detail", "report-preview", "report-submit", "report-decide", "report-correct", "report-download")
WORKBOOK_JOB_URLS = ("workbook-job", "workbook-progress", "workbook-download")
# One user per role; the collaborator is ctv_a, whose hamlet holds the objects used in the URLs.
USER_OF_ROLE = {
    Role.OFFICER: "officer",
    Role.COLLABORATOR: "ctv_a",
    Role.UNIT_STAFF: "health",
    Role.CHAIRMAN: "chairman",
    Role.DISTRICT: "district",
    Role.ADMIN: "admin",
}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name])) if p.name else None
            yield name, namespace, prefix + str(p.pattern), p.callback


def _portal_patterns():
    return [(n, ns, route, cb) for n, ns, route, cb in _walk(get_resolver().url_patterns) if ns != "admin"]


def _admin_patterns():
    return [(n, ns, route, cb) for n, ns, route, cb in _walk(get_resolver().url_patterns) if ns == "admin"]


@pytest.fixture
def sample_kwargs(hamlet_a, users):
    household = HouseholdFactory(hamlet=hamlet_a)
    job = ImportJob.objects.create(
        commune=hamlet_a.commune, uploaded_by=users["officer"], file_name="a.xlsx", stored_path="/nonexistent"
    )
    update = HouseholdUpdate.objects.create(
        client_id=uuid.uuid4(), household=household, kind="note", payload={"text": "x"}, submitted_by=users["ctv_a"]
    )
    child = ChildFactory(household=household)
    case = case_open(child=child, concern="violence", channel="family", received_at=timezone.now(),
                     description="Báo tin", by=users["officer"])  # fmt: skip
    case_step(case=case, action="assess", by=users["officer"], expected_version=1,
              data={"risk": "high", "immediate_danger": True})  # fmt: skip
    task = case_assign(case=case, unit=users["health"].unit, by=users["officer"],
                       tasks=[("Khám", timezone.localdate())]).tasks.get()  # fmt: skip
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    attachment = attachment_add(case=case, by=users["officer"], upload=pdf, title="Biên bản")
    # The health-station user is the unit staff of the walk: growth is a kind its unit owns.
    measurement = GrowthMeasurementFactory(child=child)
    on_child = {"pk": child.pk}
    export = ExportJob.objects.create(kind="children", requested_by=users["officer"], commune=hamlet_a.commune)
    workbook = WorkbookJob.objects.create(requested_by=users["officer"], commune=hamlet_a.commune, year=2025)
    report = ProgressReport.objects.create(
        commune=hamlet_a.commune, year=2025, half=0, prepared_by=users["officer"], status=ProgressReport.Status.ISSUED,
        number_seq=1, issued_year=2026, number="01/BC-UBND", issued_on=timezone.localdate(), figures={},
        pdf=b"%PDF-1.7\n%%EOF\n", sha256="0" * 64,
    )  # fmt: skip
    return {
        **{key: {"pk": report.pk} for key in REPORT_URLS},
        **{name: {"pk": export.pk} for name in EXPORT_JOB_URLS},
        **{name: {"pk": workbook.pk} for name in WORKBOOK_JOB_URLS},
        **dict.fromkeys(
            [
                "children:child-detail",
                "children:child-edit",
                "children:child-move",
                "children:child-moved-away",
                "children:child-death",
                "children:child-merge",
            ],
            on_child,
        ),
        **dict.fromkeys(  # noqa: RUF024
            [
                "children:household-detail",
                "children:household-edit",
                "children:household-poverty",
            ],
            {"pk": household.pk},
        ),
        "children:child-create": {"household_pk": household.pk},
        "children:report-choose": {"pk": household.pk},
        "children:report-form": {"pk": household.pk, "kind": "note"},
        "children:review-detail": {"pk": update.pk},
        "children:import-job": {"pk": job.pk},
        "indicators:metric": {"code": "14"},
        "cases:detail": {"pk": case.pk},
        "cases:step": {"pk": case.pk, "action": "detail"},
        "cases:task": {"pk": task.pk},
        **dict.fromkeys(  # noqa: RUF024
            ["cases:assign", "cases:note", "cases:attach", "cases:case-file", "cases:link-child"], {"pk": case.pk}
        ),
        "cases:attachment": {"pk": attachment.pk},
        "indicators:drill-down": {"code": "14"},
        # 4a: led by the health station, whose staff are the unit staff of this walk.
        "indicators:enter": {"code": "4a"},
        "indicators:baseline": {"code": "5a"},
        "children:import-progress": {"pk": job.pk},
        "children:fact-create": {"pk": child.pk, "kind": "can-do"},
        "children:fact-edit": {"pk": child.pk, "kind": "can-do", "fact_pk": measurement.pk},
    }


def _request(client: Client, name: str, kwargs: dict):
    url = reverse(name, kwargs=kwargs.get(name))
    if name in POST_ONLY:
        return client.post(url, {"language": "vi", "next": "/", "nam": timezone.localdate().year})
    return client.get(url)


def test_every_portal_url_is_classified_and_declares_a_rule():
    names = {name for name, *_ in _portal_patterns()}
    assert None not in names, "every portal URL needs a name to be classified"
    assert names == set(EXPECTED), f"unclassified: {names - set(EXPECTED)}; stale: {set(EXPECTED) - names}"
    for name, _ns, route, callback in _portal_patterns():
        assert rule_for(callback) is not None, f"{name} ({route}) declares no access rule"


def test_every_admin_site_url_is_for_the_admin_role_only():
    patterns = _admin_patterns()
    assert len(patterns) > 20
    for _name, ns, _route, callback in patterns:
        assert rule_for(callback, ns) == ADMIN_SITE


def own_export_job(user) -> dict:
    """The export-job URLs' kwargs for a job of this user (one of the officer's for a user without a commune,
    whose role is refused before any job is looked up)."""
    if user.commune is None:
        user = type(user).objects.get(username="officer")
    job = ExportJob.objects.create(kind=ExportJob.Kind.HOUSEHOLDS, requested_by=user, commune=user.commune)
    return {name: {"pk": job.pk} for name in EXPORT_JOB_URLS}


def own_workbook_job(user) -> dict:
    """The workbook-job URLs' kwargs for a job of this user (a queued one: its page shows the progress)."""
    job = WorkbookJob.objects.create(requested_by=user, commune=user.commune, year=2025)
    return {name: {"pk": job.pk} for name in WORKBOOK_JOB_URLS}


@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_is_allowed_or_refused_on_every_url(role, users, client_for, sample_kwargs):
    user = users[USER_OF_ROLE[role]]
    kwargs = {**sample_kwargs, **own_export_job(user), **own_workbook_job(user)}
    for name, allowed in EXPECTED.items():
        # A fresh session for each URL: the log-out URL must not sign the next request out.
        response = _request(client_for(users[USER_OF_ROLE[role]]), name, kwargs)
        if allowed == PUBLIC or role in allowed:
            # A report's steps let the role through, then answer for the walk's report (issued): 400, nothing done.
            answers = (200, 302, 400) if name in REPORT_STEPS else (200, 302)
            assert response.status_code in answers, (role, name, response.status_code)
            if response.status_code == 302:
                assert not response.url.startswith(reverse("login")), (role, name)
        else:
            assert response.status_code == 403, (role, name, response.status_code)


def test_anonymous_visitors_are_sent_to_log_in_on_every_page(sample_kwargs):
    client = Client()
    login = reverse("login")
    for name, allowed in EXPECTED.items():
        response = _request(client, name, sample_kwargs)
        if allowed == PUBLIC:
            assert response.status_code in (200, 302), name
            continue
        url = reverse(name, kwargs=sample_kwargs.get(name))
        assert response.status_code == 302, name
        assert response.url == f"{login}?next={url}", name


def test_public_pages_answer_anonymous_visitors():
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).json() == {"status": "ok", "database": "ok", "cache": "ok", "static": "ok"}
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302


@pytest.mark.parametrize("url", ["/quan-tri/", "/quan-tri/tanloi_portal/user/", "/quan-tri/tanloi_portal/hamlet/"])
def test_admin_site_is_refused_to_every_other_role(url, users, client_for):
    for key, user in users.items():
        response = client_for(user).get(url)
        if key == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, (key, url)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


@pytest.mark.urls("tests.undeclared_urls")
def test_a_view_that_declares_no_rule_is_refused_to_everyone(users, client_for):
    for user in users.values():
        assert client_for(user).get("/undeclared/").status_code == 403
    assert Client().get("/undeclared/").status_code == 403


def test_an_inactive_user_is_refused(users, client_for):
    officer = users["officer"]
    client = client_for(officer)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    response = client.get(reverse("home-officer"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
