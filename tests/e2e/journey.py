"""A person's day in the browser, step by step: each step is what the user sees, saved as a screenshot and audited
by axe-core, and the journey's steps are recorded (test-artifacts/journeys/<name>-<language>.json) for the
closing note and for a person to read.

The words a test looks for are the portal's own, written in Vietnamese and translated with the English catalog
(`journey.t("Lưu")` is "Save" in the English run), so one test walks the day in either language."""

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ARTIFACTS

JOURNEYS = ARTIFACTS.parent / "journeys"
# No transition is still running on the page (an endless one, the busy progress bar's stripes, aside).
SETTLED = """() => document.getAnimations().every(
  (a) => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity)"""


def words(language: str, msgid: str, plural: str | None = None, count: int | None = None, **params) -> str:
    """A string of the portal in `language` (its plural form for `count`), its %(name)s filled from params."""
    with translation.override(language):
        text = translation.ngettext(msgid, plural, count) if plural else translation.gettext(msgid)
    return text % params if params else text


@dataclass
class Journey:
    name: str
    language: str
    page: object
    screenshot: object
    steps: list[dict] = field(default_factory=list)

    def t(self, msgid: str, plural: str | None = None, count: int | None = None, **params) -> str:
        return words(self.language, msgid, plural, count, **params)

    def said(self, lazy) -> str:
        """A lazy string of the code (a label chosen by the view), as the page in this language says it."""
        with translation.override(self.language):
            return str(lazy)

    def step(self, what: str) -> None:
        """The page as the user sees it now is one step: screenshot, axe (no serious or critical violation)."""
        label = f"journey-{self.name}-{self.language}-{len(self.steps) + 1:02d}"
        self.page.wait_for_function(SETTLED)  # a tab fading in is audited as it ends, not half-transparent
        self.screenshot(self.page, label)
        violations = assert_accessible(self.page, label)
        self.steps.append({"step": what, "path": urlsplit(self.page.url).path, "axe_violations": len(violations)})

    def save(self) -> list[dict]:
        JOURNEYS.mkdir(parents=True, exist_ok=True)
        path = JOURNEYS / f"{self.name}-{self.language}.json"
        path.write_text(json.dumps(self.steps, ensure_ascii=False, indent=1), encoding="utf-8")
        return self.steps


def person(browser, base: str, username: str, password: str, language: str, *, viewport, name: str, screenshot):
    """A browser of its own for one user, logged in, in `language` (the language switch's cookie)."""
    context = browser.new_context(viewport=viewport, bypass_csp=True, accept_downloads=True)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/dang-nhap/")
    # Django's own words (its Vietnamese catalog says "Tên đăng nhập" and "Mật khẩu").
    page.get_by_label(words(language, "Username")).fill(username)
    page.get_by_label(words(language, "Password")).fill(password)
    page.get_by_role("button", name=words(language, "Đăng nhập")).click()
    return Journey(name=name, language=language, page=page, screenshot=screenshot)
