"""The guard that keeps the tests inside the repo notices a read beside it, and nothing else."""

from pathlib import Path

from tests.isolation import OutsideReads


def test_a_read_beside_the_repo_is_noticed_and_one_inside_is_not(tmp_path: Path) -> None:
    root = tmp_path / "work"
    (root / "repo").mkdir(parents=True)
    (root / "shared").mkdir()
    guard = OutsideReads(root / "repo")
    guard.temp = tmp_path / "elsewhere"  # the test's own folder stands in for a clone's parent here
    guard("open", (str(root / "repo" / "specs.json"), "r", 0))
    guard("open", (root / "shared" / "specs" / "x.json", "r", 0))
    guard("open", (root / "notes.txt", "r", 0))
    guard("exec", (str(root / "shared" / "run"),))
    assert guard.found == {str(root / "shared" / "specs" / "x.json"), str(root / "notes.txt")}


def test_shared_is_noticed_even_when_the_clone_lives_in_the_temporary_folder(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    guard = OutsideReads(tmp_path / "repo")
    guard.temp = tmp_path
    guard("open", (str(tmp_path / "pytest-of-root" / "x"), "r", 0))
    guard("open", (str(tmp_path / "shared" / "specs" / "x.json"), "r", 0))
    assert guard.found == {str(tmp_path / "shared" / "specs" / "x.json")}
