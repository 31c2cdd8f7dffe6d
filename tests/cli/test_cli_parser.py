"""The command line builds only the parser of the subcommand it is given (wizard.cli.COMMAND_MODULES)."""

from __future__ import annotations

import argparse
import subprocess
import sys

from wizard import cli


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_every_subcommand_is_mapped_to_the_module_that_registers_it():
    assert _commands(cli.build_parser()) == set(cli.COMMAND_MODULES)
    for module in set(cli.COMMAND_MODULES.values()):
        registered = _commands(cli.build_parser(module))
        assert registered == {c for c, m in cli.COMMAND_MODULES.items() if m == module}, module


def test_the_command_word_is_found_after_the_top_level_options():
    assert cli.command_module(["test", "prod", "--json"]) == "profiles"
    assert cli.command_module(["--lang", "de", "login", "x"]) == "sso"
    assert cli.command_module(["--practice", "policy", "x"]) == "policy"
    assert cli.command_module(["--lang", "test", "check-instance"]) == "instance"  # "test" is --lang's value
    assert cli.command_module(["--help"]) is None
    assert cli.command_module(["no-such-command"]) is None
    assert cli.command_module([]) is None


def test_a_narrow_command_line_loads_no_other_command_module():
    code = ("import sys; from wizard import cli; cli.build_parser(cli.command_module(['list', '--json'])); "
            "print(' '.join(m for m in sys.modules if m.startswith('wizard.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    loaded = set(out.split())
    assert "wizard.commands.profiles" in loaded
    assert not loaded & {"wizard.commands.sso", "wizard.commands.policy", "wizard.commands.instance"}, loaded


def test_an_unknown_command_still_lists_every_command(capsys):
    try:
        cli.main(["no-such-command"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    for command in cli.COMMAND_MODULES:
        assert command in err
