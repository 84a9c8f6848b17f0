"""The composition root: the ``birdhouse`` command and ``make demo``, where the core, the Slack app, the
workers and the emulators are wired together. Nothing imports this package but its entry points."""
