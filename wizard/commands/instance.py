"""`check-instance [--role NAME] [--json]`: is this machine an EC2 instance whose role the assume-role method can use?

Exit codes: 0 on EC2 with an attached (and, with --role, matching) role and no error finding (warnings such as
imdsv1-enabled allowed); 1 a check failed (not on EC2, no role, role mismatch, metadata service timing out);
3 the environment forbids the check (AWS_EC2_METADATA_DISABLED=true).
"""

from __future__ import annotations

import json

from wizard.commands.common import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK
from wizard.core.i18n import translate


def exit_code(report) -> int:
    if "imds-disabled" in report.codes():
        return EXIT_ENVIRONMENT
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_check_instance(args) -> int:
    from wizard.core import imds

    report = imds.check_instance(args.role)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(report.to_text())
    return exit_code(report)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check-instance",
        help=translate("instance", "Check this machine's EC2 instance metadata and attached role."),
        description=translate(
            "instance", "Check this machine's EC2 instance metadata (IMDSv2, 1 s per request): instance, account, "
            "attached role and its credentials' expiration (never the credentials), and findings such as a role "
            "mismatch, IMDSv1 still enabled or the container hop-limit symptom. Exit 0 ok, 1 a check failed, "
            "3 instance metadata disabled here."),
    )
    parser.add_argument("--role", metavar="NAME",
                        help=translate("instance", "the role you intend to use (name or ARN): report a mismatch"))
    parser.add_argument("--json", action="store_true", help=translate("profiles", "machine-readable output"))
    parser.set_defaults(run=cmd_check_instance)
