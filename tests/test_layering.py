"""The flow of the house, held by its imports: tanloi_portal <- children <- cases <- indicators <- reports.

An app imports only from the apps below it (DESIGN 1). Each module's imports are read with `ast` (tests and
migrations excluded); lazy imports inside functions count as much as those at the top.
"""

import ast
from pathlib import Path

from django.conf import settings

# Bottom to top. The demo app at the very top only orchestrates each app's demo module.
FLOW = ["tanloi_portal", "children", "cases", "indicators", "reports", "demo"]
# The project's URL configuration includes the apps' URL modules: the one import upwards the flow allows.
ALLOWED = {("tanloi_portal/urls.py", f"{app}.urls") for app in FLOW[1:]}


def imported_modules(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "include")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def violations(root: Path) -> list[str]:
    found = []
    for index, app in enumerate(FLOW):
        above = FLOW[index + 1 :]
        folder = root / app
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative:
                continue
            for name in imported_modules(path.read_text(encoding="utf-8")):
                top = name.split(".")[0]
                if (
                    top in above
                    and (relative, name) not in ALLOWED
                    and (relative, ".".join(name.split(".")[:2])) not in ALLOWED
                ):
                    found.append(f"{relative} imports {name}")
    return sorted(set(found))


def test_no_module_imports_against_the_flow():
    assert violations(Path(settings.BASE_DIR)) == []


def test_the_check_catches_a_wrong_import(tmp_path):
    for app in FLOW:
        (tmp_path / app).mkdir()
    (tmp_path / "children" / "wrong.py").write_text("from cases.models import Case\n", encoding="utf-8")
    (tmp_path / "cases" / "lazy.py").write_text("def f():\n    import indicators.selectors\n", encoding="utf-8")
    (tmp_path / "tanloi_portal" / "urls.py").write_text(
        "from django.urls import include\nurlpatterns = [include('children.urls')]\nimport reports.views\n",
        encoding="utf-8",
    )
    (tmp_path / "indicators" / "fine.py").write_text("from children.models import Child\n", encoding="utf-8")
    assert violations(tmp_path) == [
        "cases/lazy.py imports indicators.selectors",
        "children/wrong.py imports cases.models",
        "tanloi_portal/urls.py imports reports.views",
    ]
