"""The ``birdhouse`` command. Parses arguments and starts things; the work is done by the library."""

from __future__ import annotations

import argparse
import importlib.metadata
import atexit
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from birdhouse import logs
from birdhouse.errors import BirdhouseError, ConfigError
from birdhouse.redis_server import connect, connect_app, describe, redact_url, resolve
from birdhouse.settings import Settings

DATA_DIR = Path("var")
log = logging.getLogger("birdhouse")


def _settings() -> Settings:
    try:
        return Settings.load()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        print("Set them in the environment or in a .env file (see README.md).", file=sys.stderr)
        raise SystemExit(2) from None


def _start(args: argparse.Namespace) -> tuple[Settings, str]:
    """Settings, logging and the Redis to use (its URL): what every long-running command needs first."""
    settings = _settings()
    logs.configure(args.log_level, settings.secrets())
    choice = resolve(settings.redis_url, DATA_DIR / "redis")
    if choice.private is not None:
        atexit.register(choice.private.stop)
    log.info("using Redis at %s: %s; %s", redact_url(choice.url), choice.reason, describe(connect(choice.url)))
    return settings, choice.url


def cmd_check(args: argparse.Namespace) -> int:
    from birdhouse.check import run_checks

    settings, redis_url = _start(args)
    findings = run_checks(settings, connect(redis_url))
    for finding in findings:
        print(finding.line())
    failed = [finding for finding in findings if not finding.ok]
    print(f"\n{len(failed)} problem(s)." if failed else "\nReady to go live.")
    return 1 if failed else 0


def cmd_worker(args: argparse.Namespace) -> int:
    from workers.context import Context
    from workers.runner import run_worker

    settings, redis_url = _start(args)
    run_worker(Context(settings, connect(redis_url)), burst=args.burst, with_scheduler=not args.no_scheduler,
               logging_level=args.log_level)
    return 0


def _serve_http(settings: Settings, redis_url: str, args: argparse.Namespace) -> Any:
    """The web app, not yet running: Slack's endpoint, the health check and, in webhook mode, X's webhook."""
    from slackbot.app import create_app
    from slackbot.web import X_WEBHOOK_PATH, server, x_webhook_secret

    connection = connect_app(redis_url)
    web = server(create_app(settings, connection), connection, settings.slack_signing_secret, args.host, args.port,
                 x_consumer_secret=x_webhook_secret(settings))
    log.info("serving Slack requests on http://%s:%s/slack/events", args.host, web.effective_port)
    if settings.ingest == "webhook":
        log.info("serving X's webhook on http://%s:%s%s", args.host, web.effective_port, X_WEBHOOK_PATH)
    return web


def _socket_handler(settings: Settings, redis_url: str) -> Any:
    from slackbot.app import create_app
    from slackbot.socket_mode import socket_mode_handler

    settings.require("slack_app_token")
    assert settings.slack_app_token is not None
    return socket_mode_handler(create_app(settings, connect_app(redis_url)), settings.slack_app_token)


def cmd_web(args: argparse.Namespace) -> int:
    settings, redis_url = _start(args)
    _serve_http(settings, redis_url, args).run()
    return 0


def cmd_socket(args: argparse.Namespace) -> int:
    settings, redis_url = _start(args)
    _socket_handler(settings, redis_url).start()
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """App, worker and scheduler in one process tree: enough for a small team. With ``--socket`` Slack comes
    over Socket Mode; the web app is served all the same when X's webhook needs it."""
    from workers.context import Context
    from workers.runner import run_worker

    settings, redis_url = _start(args)
    if args.socket:
        _socket_handler(settings, redis_url).connect()  # its own threads; returns once connected
        log.info("connected to Slack over Socket Mode")
    if not args.socket or settings.ingest == "webhook":
        threading.Thread(target=_serve_http(settings, redis_url, args).run, name="birdhouse-web",
                         daemon=True).start()
    run_worker(Context(settings, connect(redis_url)), logging_level=args.log_level)
    return 0


def cmd_triage(args: argparse.Namespace) -> int:
    from workers.triage.stream import triage_lines

    return 1 if triage_lines(sys.stdin, sys.stdout) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from birdhouse_cli.demo import run_demo

    return run_demo(rate_per_minute=args.rate, duration=args.duration, browser=not args.no_browser, pace=args.pace)


def _multiple(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {raw}")
    return value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="birdhouse", description="X mentions and followers, triaged into Slack.")
    top.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    top.add_argument("--version", action="version", version=f"birdhouse {importlib.metadata.version('birdhouse')}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("check", help="check the configuration, Redis, Slack and X before going live"
                        ).set_defaults(func=cmd_check)
    worker = commands.add_parser("worker", help="run a worker (jobs, and the pollers' scheduler)")
    worker.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    worker.add_argument("--no-scheduler", action="store_true", help="run jobs only; another worker schedules")
    worker.set_defaults(func=cmd_worker)
    for name, func, text in (("web", cmd_web, "serve Slack's requests over HTTP"),
                             ("run", cmd_run, "serve Slack's requests and run a worker, in one command")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--port", type=int, default=3000)
        command.set_defaults(func=func)
        if name == "run":
            command.add_argument("--socket", action="store_true",
                                 help="take Slack's requests over Socket Mode (needs SLACK_APP_TOKEN), no public URL")
    commands.add_parser("socket", help="serve Slack over Socket Mode (needs SLACK_APP_TOKEN)"
                        ).set_defaults(func=cmd_socket)
    commands.add_parser("triage", help="triage X posts: JSON lines on stdin, JSON lines on stdout"
                        ).set_defaults(func=cmd_triage)
    demo = commands.add_parser("demo", help="the whole system against emulated X and Slack, no accounts needed")
    demo.add_argument("--rate", type=float, default=12.0, help="new mentions per minute")
    demo.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    demo.add_argument("--pace", type=_multiple, default=1.0,
                      help="play the scripted first minute this many times faster (the tests play it at 4)")
    demo.add_argument("--no-browser", action="store_true",
                      help="print the cards in the terminal instead of pointing to the workspace page")
    demo.set_defaults(func=cmd_demo)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except BirdhouseError as exc:
        print(f"birdhouse: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
