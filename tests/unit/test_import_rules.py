"""The import rules DEVELOPERS.md states, checked on the source: which package may import which.

Every import in a file (at the top or inside a function) is read with ``ast``; a project import must be one
its package's row allows, and a package that may import only the standard library imports nothing else.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("birdhouse_cli", "birdhouse", "slackbot", "workers", "emulators", "tests", "bench", "tools")

# (where, the project modules it may import, whether other libraries than the standard one are allowed).
# The most particular place first. DEVELOPERS.md says the same in words.
RULES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("birdhouse/__main__.py", ("birdhouse_cli",), True),  # only `python -m birdhouse`: the root's door
    ("birdhouse_cli", ("birdhouse_cli", "birdhouse", "slackbot", "workers", "emulators"), True),
    ("birdhouse", ("birdhouse",), True),
    ("slackbot/views", ("birdhouse", "slackbot.views"), True),
    ("slackbot", ("birdhouse", "slackbot"), True),
    ("workers", ("birdhouse", "slackbot.views", "workers"), True),
    ("emulators", ("emulators",), False),
)


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)  # relative imports stay inside their own package
    return found


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def rule_for(relative: str) -> tuple[str, tuple[str, ...], bool]:
    return next(rule for rule in RULES if relative == rule[0] or relative.startswith(rule[0] + "/"))


def broken_rules() -> list[str]:
    broken = []
    for top in ("birdhouse_cli", "birdhouse", "slackbot", "workers", "emulators"):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            where, allowed, libraries = rule_for(relative)
            for module in imported_modules(path):
                if module.split(".")[0] in PROJECT:
                    if not any(within(module, prefix) for prefix in allowed):
                        broken.append(f"{relative} imports {module} ({where} may import {', '.join(allowed)})")
                elif not libraries and module.split(".")[0] not in sys.stdlib_module_names:
                    broken.append(f"{relative} imports {module} ({where} may import the standard library only)")
    return broken


def test_every_package_imports_only_what_its_row_allows():
    assert broken_rules() == []


def test_the_rules_catch_what_they_forbid(tmp_path, monkeypatch):
    (tmp_path / "slackbot").mkdir()
    (tmp_path / "slackbot" / "bad.py").write_text("def f():\n    from workers.actions import like\n")
    (tmp_path / "emulators").mkdir()
    (tmp_path / "emulators" / "bad.py").write_text("import requests\nfrom . import http\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert broken_rules() == [
        "slackbot/bad.py imports workers.actions (slackbot may import birdhouse, slackbot)",
        "emulators/bad.py imports requests (emulators may import the standard library only)",
    ]
