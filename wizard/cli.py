"""The command line: `aws-connection-wizard [SUBCOMMAND]`. Never imports Qt; with no subcommand it starts the GUI.

Subcommands live in `wizard/commands/<topic>.py`. Each such module (but `common.py`) defines `register(subparsers)`, which adds its
subcommands with `parser.set_defaults(run=<function taking args, returning an exit code>)`.
Exit codes (`wizard.commands.common.ExitCode`): 0 ok, 1 the check failed, 2 bad input or usage, 3 environment problem;
141 when whoever read the output stopped reading (a closed pipe, as `| head` does).
"""

from __future__ import annotations

import argparse
import os
import sys

from wizard import APP_NAME, __version__
from wizard.commands.common import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE, write_out  # noqa: F401


# Which module of wizard/commands registers each subcommand: a command line naming one of them builds only that
# module's parsers (the others, and what they import, aren't loaded). tests/cli/test_cli_parser.py checks it against
# what the modules register.
COMMAND_MODULES = {
    "list": "profiles", "show": "profiles", "add": "profiles", "test": "profiles", "remove": "profiles",
    "rename": "profiles", "import": "profiles", "export": "profiles", "credential-process": "profiles",
    "renew": "renew", "login": "sso", "policy": "policy", "check-instance": "instance",
}
_OPTIONS_WITH_VALUE = ("--lang", "--endpoint-url")
STOPPED_BY_CLOSED_PIPE = 141  # 128 + SIGPIPE: what a shell shows for a tool stopped by a closed pipe


def command_module(argv: list[str]) -> str | None:
    """The module registering the subcommand `argv` names (COMMAND_MODULES), or None (no subcommand, help, an unknown
    word: then every module is loaded, for the full list of commands)."""
    words = iter(argv)
    for word in words:
        if word in _OPTIONS_WITH_VALUE:
            next(words, None)
        elif word == "--":
            return None
        elif not word.startswith("-"):
            return COMMAND_MODULES.get(word)
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with `only` (a module of wizard/commands) the top-level options and that module's
    subcommands alone."""
    import importlib

    parser = argparse.ArgumentParser(prog=APP_NAME, description="Set up a working, tested connection to AWS.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--practice", action="store_true", help="run against a local AWS emulator; nothing reaches AWS")
    parser.add_argument("--lang", metavar="L", help="language of the window and of the messages, e.g. de or en "
                        "(default: the system's; --json output is always English)")
    parser.add_argument("--self-test", action="store_true", help="check this installation (window, keychain, "
                        "validation; the test engine too with --endpoint-url) and exit")
    parser.add_argument("--endpoint-url", dest="self_test_endpoint", metavar="URL",
                        help="with --self-test: an endpoint (e.g. a local emulator) to run the test engine against")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = [only] if only else _all_command_modules()
    for name in names:
        register = getattr(importlib.import_module(f"wizard.commands.{name}"), "register", None)
        if register is not None:  # wizard.commands.common holds what the subcommands share, and registers none
            register(subparsers)
    return parser


def _all_command_modules() -> list[str]:
    import pkgutil

    import wizard.commands

    return sorted(info.name for info in pkgutil.iter_modules(wizard.commands.__path__))


def _choose_language(argv: list[str] | None) -> None:
    """--lang (before the parser is built, so that its help speaks the language too), else the environment's."""
    from wizard.core import i18n

    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    known, _rest = early.parse_known_args(sys.argv[1:] if argv is None else argv)
    i18n.set_language(known.lang)
    from wizard.commands.argparse_words import speak

    speak()  # argparse's own words (usage, errors, headings) too


def main(argv: list[str] | None = None) -> int:
    """The program. Called as the process's entry (no argv: the console script, `python -m wizard`), a finished
    subcommand ends the process at once (`_leave_now`); called with a list (tests, the packaged launcher's checks) it
    returns the exit code."""
    try:
        code = _main(argv)
    except BrokenPipeError:  # the reader went away (`list --json | head`): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes at exit
        code = STOPPED_BY_CLOSED_PIPE
    if argv is None and "PySide6.QtCore" not in sys.modules:  # no window was shown (Qt's teardown saves settings)
        _leave_now(code)
    return code


def _leave_now(code: int) -> None:
    """End the process as `exit` would, without the interpreter's teardown: freeing every module's objects one by one
    (botocore's parsed models and endpoint rules above all) takes ~100 ms after a test, as long as the test's own calls.
    Everything a command writes is written and closed before it returns; here the output is flushed and the atexit
    functions run (log handlers, temporary folders). A non-daemon thread still running gets the usual exit (it is
    waited for)."""
    import atexit
    import contextlib
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    try:
        if sys.stdout is not None:  # None in a windowed program started without a console
            sys.stdout.flush()
    except BrokenPipeError:
        code = STOPPED_BY_CLOSED_PIPE
    except OSError:
        return  # the usual exit reports it
    atexit._run_exitfuncs()
    with contextlib.suppress(OSError, AttributeError):  # no stderr, or a closed one: nothing more can be said
        sys.stderr.flush()
    os._exit(code)


def _main(argv: list[str] | None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words == ["--version"]:  # answered before anything else is loaded
        print(f"{APP_NAME} {__version__}")
        return EXIT_OK
    if words == ["list", "--json"]:  # the kept listing, if it is current
        from wizard.core.listing import kept_listing

        kept = kept_listing()
        if kept is not None:
            write_out(kept)
            return EXIT_OK
    if words == []:  # the desktop program: started before the subcommands load
        from wizard.app import run_gui

        return run_gui()
    _choose_language(argv)
    parser = build_parser(command_module(words))
    args = parser.parse_args(argv)
    if args.self_test:
        from wizard.selftest import main as self_test  # Qt is imported only inside the window check

        return self_test(args.self_test_endpoint)
    if args.command is None:
        from wizard.app import run_gui  # Qt is imported only here

        return run_gui(practice=args.practice, lang=args.lang)
    _sweep()
    return int(args.run(args))


def _sweep() -> None:
    """Finish what a hard stop left half-done (wizard.core.sweep): one directory listing when there is nothing to do."""
    from wizard.core.sweep import sweep

    sweep()


if __name__ == "__main__":
    sys.exit(main())
