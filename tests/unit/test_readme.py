"""The README is the operator's reference: it must keep up with the code."""

from pathlib import Path

from birdhouse.settings import VARIABLES

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_two_newcomer_commands_are_given():
    assert "make demo" in README and "make test" in README


def test_every_configuration_variable_is_documented_with_its_default():
    for variable in VARIABLES:
        assert f"| `{variable.name}` |" in README, f"{variable.name} is missing from the README's table"
        if variable.default:
            assert f"| `{variable.name}` | `{variable.default}` |" in README, f"{variable.name}'s default"
