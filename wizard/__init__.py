"""AWS Connection Wizard: set up a working, tested connection to AWS with secrets kept in the OS keychain."""

__version__ = "0.1.0"
APP_NAME = "aws-connection-wizard"
APP_TITLE = "AWS Connection Wizard"
