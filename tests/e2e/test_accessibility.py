"""Every page of the portal, as each role sees it, audited by axe-core in Chromium: no serious or critical
violation, in Vietnamese and in English. The pages are the access walk's (tests/test_access.py): every named URL
a role may open with a GET that answers a whole HTML page, on the walk's sample records."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.e2e.axe import RESULTS, audit, blocking, describe, record
from tests.test_access import (
    EXPECTED,
    POST_ONLY,
    PUBLIC,
    USER_OF_ROLE,
    own_export_job,
    own_workbook_job,
    sample_kwargs,  # noqa: F401
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IMPACTS = ("critical", "serious", "moderate", "minor")
# The admin's pages a person works in (the rest are the same templates for other models).
ADMIN_PAGES = (
    "admin:index",
    "admin:tanloi_portal_hamlet_changelist",
    "admin:tanloi_portal_user_changelist",
    "admin:tanloi_portal_user_add",
    "admin:tanloi_portal_accesslog_changelist",
)


def _pages(role, user, kwargs) -> list[str]:
    """The URLs of whole HTML pages the role may open (a download, a fragment or a redirect is not one)."""
    client = Client()
    client.force_login(user)
    urls = []
    names = [n for n, allowed in EXPECTED.items() if allowed != PUBLIC and role in allowed and n not in POST_ONLY]
    if role == "admin":
        names += list(ADMIN_PAGES)
    for name in names:
        url = reverse(name, kwargs=kwargs.get(name))
        response = client.get(url)
        if response.status_code != 200 or response.streaming or not response["Content-Type"].startswith("text/html"):
            continue
        if response.content.lstrip()[:15].lower() == b"<!doctype html>":
            urls.append(url)
    return urls


def _browser_session(browser, base: str, user, language: str):
    client = Client()
    client.force_login(user)
    context = browser.new_context(bypass_csp=True, locale="vi-VN" if language == "vi" else "en-GB")
    cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}]
    cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    context.add_cookies([{**c, "url": base} for c in cookies])
    return context.new_page()


@pytest.mark.parametrize("role", sorted(USER_OF_ROLE))
def test_every_page_of_each_role_passes_axe(live_server, browser, users, sample_kwargs, role):  # noqa: F811
    """Both languages in one test: the walk's records and its list of pages are made once for the two."""
    user = users[USER_OF_ROLE[role]]
    kwargs = {**sample_kwargs, **own_export_job(user), **own_workbook_job(user)}
    urls = _pages(role, user, kwargs)
    assert len(urls) >= 4, urls
    failures = []
    for language in ("vi", "en"):
        tab = _browser_session(browser, live_server.url, user, language)
        summary = {}
        for url in urls:
            tab.goto(f"{live_server.url}{url}")
            assert tab.locator("html").get_attribute("lang") == language, url
            violations = audit(tab)
            record(f"{role}-{language}-{url}", url, violations)
            summary[url] = {impact: sum(v["impact"] == impact for v in violations) for impact in IMPACTS}
            if blocking(violations):
                failures.append(f"{language} {url}: {describe(blocking(violations))}")
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"summary-{role}-{language}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        tab.context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_login_page_passes_axe(live_server, browser, language):
    context = browser.new_context(bypass_csp=True)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    tab = context.new_page()
    tab.goto(f"{live_server.url}{reverse('login')}")
    violations = audit(tab)
    record(f"anonymous-{language}-login", tab.url, violations)
    assert not blocking(violations), describe(blocking(violations))
