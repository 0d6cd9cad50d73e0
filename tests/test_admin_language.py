"""The admin in Vietnamese: every list, add and change page, Django's words and its libraries' (django-axes,
django-simple-history) included, without an English word left (locale/vi holds what their catalogues lack)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.factories import ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

# English words of Django's admin and of the libraries' screens, as a person would meet them on a page.
ENGLISH = {
    "Add",
    "Change",
    "View",
    "Delete",
    "Search",
    "Filter",
    "Show",
    "Hide",
    "Toggle",
    "Skip",
    "Model",
    "link",
    "Run",
    "Save",
    "History",
    "Home",
    "Logout",
    "entries",
    "attempts",
    "attempt",
    "devices",
    "device",
    "Select",
    "Action",
    "Go",
    "results",
    "result",
    "total",
    "Yes",
    "No",
    "Unknown",
    "Today",
    "Past",
    "month",
    "year",
    "None",
    "All",
    "By",
    "Time",
    "Username",
    "Password",
    "Close",
    "Revert",
    "Object",
    "Comment",
    "Access",
    "Axes",
    "Sessions",
    "Breadcrumbs",
    "Sidebar",
    "Clear",
    "selection",
    "selected",
    "Remove",
    "Choose",
    "Enabled",
    "Disabled",
}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        attrs = dict(attrs)
        self.parts += [attrs[a] for a in ATTRIBUTES if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def english_on(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return {w for part in parser.parts for w in re.findall(r"[A-Za-z]+", part) if w in ENGLISH}


def _admin_pages(sample) -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        for view, args in (("changelist", ()), ("add", ())):
            try:
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args))
            except NoReverseMatch:
                continue
        if model in sample:
            for view in ("change", "history"):
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[sample[model].pk]))
    return urls


def test_every_admin_page_is_in_vietnamese(users, client_for, hamlet_a):
    child = ChildFactory(household=HouseholdFactory(hamlet=hamlet_a))
    sample = {type(users["officer"]): users["officer"], type(hamlet_a): hamlet_a, type(child): child}
    client = client_for(users["admin"])
    found = {}
    with translation.override("vi"):
        urls = _admin_pages(sample)
    assert len(urls) > 30
    for url in urls:
        response = client.get(url, headers={"accept-language": "vi"})
        if response.status_code != 200:
            continue
        words = english_on(response.content.decode())
        if words:
            found[url] = sorted(words)
    assert not found, found


def test_the_check_finds_english_where_there_is_some():
    assert english_on('<a href="#" title="Toggle theme">Xem</a><input type="submit" value="Run">') == {"Toggle", "Run"}
    assert english_on("<p>Cán bộ xã</p><script>var Add = 1;</script>") == set()
