"""The command line: `aws-connection-wizard [SUBCOMMAND]`. Never imports Qt; with no subcommand it starts the GUI."""

from __future__ import annotations

import argparse
import sys

from wizard import APP_NAME, __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=APP_NAME, description="Set up a working, tested connection to AWS.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--practice", action="store_true", help="run against a local AWS emulator; nothing reaches AWS")
    parser.add_argument("--lang", metavar="L", help="user interface language (e.g. en)")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from wizard.app import run_gui  # Qt is imported only here

        return run_gui(practice=args.practice, lang=args.lang)
    return 2


if __name__ == "__main__":
    sys.exit(main())
