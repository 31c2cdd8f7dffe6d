"""Subcommands of the command line, one module per topic; see `wizard.cli`. No module here imports Qt."""
