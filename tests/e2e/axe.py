"""axe-core in the browser tests: every page they open can be audited, and none may carry a serious or critical
violation. The script is vendored (tests/e2e/vendor) and injected, so the page's Content-Security-Policy is
bypassed in the contexts that audit (`bypass_csp=True`); the portal itself never serves it."""

import json
import re
from pathlib import Path

from tests.e2e.conftest import ARTIFACTS

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BLOCKING = ("serious", "critical")
RESULTS = ARTIFACTS.parent / "axe"

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
  }));
}"""


def audit(page) -> list[dict]:
    """The page's violations: id, impact, help and the first few elements of each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN)


def record(name: str, url: str, violations: list[dict]) -> None:
    """test-artifacts/axe/<name>.json: what axe said of the page, for a person to read."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"-+", "-", re.sub(r"[^\w.-]+", "-", name)).strip("-")
    (RESULTS / f"{safe}.json").write_text(
        json.dumps({"url": url, "violations": violations}, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in violations)


def assert_accessible(page, name: str) -> list[dict]:
    """Audit the page, record the result and fail on a serious or critical violation; gives all violations."""
    violations = audit(page)
    record(name, page.url, violations)
    serious = blocking(violations)
    assert not serious, f"{name} ({page.url}): {describe(serious)}"
    return violations
