"""A fresh clone has nothing beside it: notice any file the tests open outside the repo.

Data kept beside the repo exists only on the maintainers' machines, so a test that reads it passes there and
fails in a user's clone, a fork's CI or a packager's build. The test session installs one ``OutsideReads`` as an audit hook and fails
when it has found anything.
"""

from __future__ import annotations

import tempfile
from pathlib import Path


class OutsideReads:
    def __init__(self, repo: Path) -> None:
        self.repo = repo.resolve()
        self.temp = Path(tempfile.gettempdir()).resolve()  # pytest's and the tests' own folders
        self.found: set[str] = set()

    def __call__(self, event: str, args: tuple) -> None:
        if event != "open" or not isinstance(args[0], (str, Path)):
            return
        path = Path(args[0]).resolve()
        beside = path.is_relative_to(self.repo.parent) and not path.is_relative_to(self.repo)
        # A clone made straight inside the temporary folder can only be checked by its CI's fresh clone.
        in_temp = path.is_relative_to(self.temp) and self.repo.parent != self.temp
        if beside and not in_temp:
            self.found.add(str(path))
