"""The guard that keeps the tests inside the repo notices a read beside it, and nothing else."""

from pathlib import Path

from tests.isolation import OutsideReads


def test_a_read_beside_the_repo_is_noticed_and_one_inside_is_not(tmp_path: Path) -> None:
    root = tmp_path / "work"
    (root / "repo").mkdir(parents=True)
    (root / "data").mkdir()
    guard = OutsideReads(root / "repo")
    guard.temp = tmp_path / "elsewhere"  # the test's own folder stands in for a clone's parent here
    guard("open", (str(root / "repo" / "specs.json"), "r", 0))
    guard("open", (root / "data" / "specs" / "x.json", "r", 0))
    guard("open", (root / "notes.txt", "r", 0))
    guard("exec", (str(root / "data" / "run"),))
    assert guard.found == {str(root / "data" / "specs" / "x.json"), str(root / "notes.txt")}


def test_the_temporary_folder_is_the_tests_own_unless_the_clone_sits_in_it(tmp_path: Path) -> None:
    (tmp_path / "work" / "repo").mkdir(parents=True)
    guard = OutsideReads(tmp_path / "work" / "repo")
    guard.temp = tmp_path
    guard("open", (str(tmp_path / "pytest-of-root" / "x"), "r", 0))
    assert guard.found == set()
    beside = OutsideReads(tmp_path / "work" / "repo")
    beside.temp = tmp_path / "work"  # the clone's parent is the temporary folder itself
    beside("open", (str(tmp_path / "work" / "data" / "x.json"), "r", 0))
    assert beside.found == {str(tmp_path / "work" / "data" / "x.json")}
