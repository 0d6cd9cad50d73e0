"""Vietnamese first; English from the language switch."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_speak_vietnamese_by_default(users, client_for):
    content = client_for(users["officer"]).get(reverse("home-officer")).content.decode()
    assert '<html lang="vi">' in content
    assert "Danh sách trẻ em" in content and "Đăng xuất" in content


def test_the_language_switch_gives_english_with_its_own_number_format(users, client_for):
    client = client_for(users["chairman"])
    assert "76,9%" in client.get(reverse("home-chairman")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home-chairman")})
    assert response.status_code == 302
    content = client.get(reverse("home-chairman")).content.decode()
    assert '<html lang="en">' in content
    assert "Log out" in content and "Plan indicators" in content
    # A decimal point in English; dates stay day first (British English), as they are typed.
    assert "76.9%" in content and "76,9%" not in content


def test_login_page_can_be_switched_before_logging_in():
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_a_browser_set_to_english_still_gets_vietnamese(users, client_for):
    client = client_for(users["officer"])
    content = client.get(reverse("home-officer"), headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="vi">' in content and "Đăng xuất" in content


def test_the_english_catalog_translates_every_string():
    """A string added to the interface without its English translation fails here (run makemessages -l en)."""
    catalog = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []


def test_the_catalog_lists_every_string_of_the_code(tmp_path):
    """makemessages on the current code finds no string the committed catalog lacks."""
    base = Path(settings.BASE_DIR)
    work = tmp_path / "project"
    shutil.copytree(
        base,
        work,
        ignore=shutil.ignore_patterns(".venv", ".git", "static", "tests", "benchmarks", "*.sqlite3", "test-artifacts"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v0"],
        cwd=work,
        env={**os.environ, "TESTING": "true"},
        check=True,
        timeout=120,
    )
    fresh = {e.msgid for e in polib.pofile(str(work / "locale" / "en" / "LC_MESSAGES" / "django.po"))}
    committed = {e.msgid for e in polib.pofile(str(base / "locale" / "en" / "LC_MESSAGES" / "django.po"))}
    assert sorted(fresh - committed) == []


def test_django_words_missing_from_its_vietnamese_catalogue_are_vietnamese_on_vietnamese_pages():
    from django.db import models
    from django.utils import translation

    field = models.CharField(choices=[("a", "A")], blank=True).formfield()
    with translation.override("vi"):
        assert str(field.choices[0][1]) == "- Chọn -"
    with translation.override("en"):
        assert str(field.choices[0][1]) == "- Select an option -"
