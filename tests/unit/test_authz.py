from slackbot.authz import is_member


def test_an_empty_team_lets_everyone_act():
    assert is_member("U0ANYONE", (), {})


def test_team_members_are_named_directly_or_through_a_user_group():
    team = ("U0CAROL", "S0SOCIAL")
    groups = {"S0SOCIAL": ["U0ALICE", "U0BOB"]}
    assert is_member("U0CAROL", team, groups)
    assert is_member("U0BOB", team, groups)
    assert not is_member("U0MALLORY", team, groups)
    assert not is_member("U0ALICE", ("U0CAROL",), groups)  # a group not on the team does not count
