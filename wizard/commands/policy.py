"""`policy [NAME] --trust|--permissions|--caller`: print the IAM policy JSON an administrator must install.

    policy NAME --trust          the role's trust policy; the principal is the identity of the profile's keys or
                                 source: the one its last test found (stored in the profile, no network), else
                                 found with one GetCallerIdentity call (or given with --principal)
    policy NAME --permissions    least privilege for the profile's service (offline)
    policy NAME --caller         the caller's own sts:AssumeRole permission on the role

Without NAME every value comes from flags (--principal, --external-id, --service, --region, --bucket, --model-id,
--role-arn); with NAME, flags override the profile's values. Standard output carries only the JSON (ready for a file or
`aws iam ... --policy-document file://...`); where to install it goes to standard error.
Exit codes: 0 printed, 1 the identity could not be found (GetCallerIdentity failed), 2 bad input, 3 keychain or
profile file problem.
"""

from __future__ import annotations

import sys
import time

from wizard.commands.common import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError, guarded
from wizard.core import arn
from wizard.core.connection import SERVICE_IDS, Connection
from wizard.core.i18n import shown, translate


def _load_profile(name: str):
    from wizard.core.profiles import ProfileStore, StoreError

    try:
        return ProfileStore().get(name)
    except KeyError:
        raise CommandError(translate("profiles", "no profile named {name!r} (see: aws-connection-wizard list)")
                           .format(name=name), EXIT_USAGE) from None
    except StoreError as exc:
        raise CommandError(translate("policy", "profile file problem: {exc}").format(exc=shown(exc)),
                           EXIT_ENVIRONMENT) from None


def discover_identity(profile) -> str:
    """The ARN of the identity that calls AssumeRole for this profile: one GetCallerIdentity call."""
    from wizard.core import aws, credentials, diagnoses

    caller = credentials.profile_source(profile).resolve()  # None: boto3's default chain
    conn = profile.connection
    try:
        sts = aws.make_client("sts", conn.region, caller, conn.network)
        return sts.get_caller_identity()["Arn"]
    except Exception as exc:  # noqa: BLE001 - any failure: say why, suggest --principal
        found = diagnoses.diagnose(exc, step="identity", connection=conn,
                                   secrets=caller.secret_values() if caller else ())
        raise CommandError(
            translate("policy", "could not find the identity ({code}: {summary}); pass --principal ARN instead")
            .format(code=found.code, summary=diagnoses.shown(found.summary)), EXIT_FAILED
        ) from None


def _partition(region: str, *arns: str) -> str:
    from wizard.core.regions import partition_of

    for text in arns:
        if arn.partition(text):
            return arn.partition(text)
    return partition_of(region) or "aws"


def _entered_role(conn: Connection | None, args) -> str:
    """The role as given by --role-arn or the profile (cross-account: role_arn; assume-role: role, a name or ARN)."""
    if args.role_arn:
        return args.role_arn.strip()
    if conn is None:
        return ""
    return (conn.role_arn if conn.method == "cross-account" else conn.role).strip()


def _principal(args, profile) -> str:
    """--principal, else the identity the profile's last test found (no network), else one GetCallerIdentity call.
    Which one was used is said on standard error."""
    if args.principal:
        return args.principal.strip()
    if profile is None:
        raise CommandError(translate("policy", "pass --principal ARN (or a profile NAME to find the identity from)"),
                           EXIT_USAGE)
    stored = (profile.identity_arn or "").strip()
    if stored.startswith("arn:"):
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(profile.tested_at)) if profile.tested_at \
            else translate("policy", "earlier")
        print(translate("policy", "Principal {principal}: the identity the last test of {name} found ({when}); AWS "
                                  "was not contacted. Test again or pass --principal ARN if it changed.").format(
                  principal=stored, name=profile.name, when=when), file=sys.stderr)
        return stored
    found = discover_identity(profile)
    print(translate("policy", "Principal {principal}: found now with GetCallerIdentity (the profile has no tested "
                              "identity stored).").format(principal=found), file=sys.stderr)
    return found


def _permissions(args, conn: Connection | None) -> tuple[dict, str]:
    from wizard.core import policies

    service = args.service or (conn.service if conn else "")
    region = args.region or (conn.region if conn else "")
    if service not in SERVICE_IDS or not region:
        raise CommandError(translate("policy", "--permissions needs --service {{{services}}} and --region R").format(
            services=",".join(SERVICE_IDS)), EXIT_USAGE)
    bucket = args.bucket if args.bucket is not None else (conn.bucket if conn else "")
    model_id = args.model_id if args.model_id is not None else (conn.model_id if conn else "")
    partition = _partition(region, _entered_role(conn, args), args.principal or "")
    policy = policies.permissions_policy(
        service, bucket=bucket or None, model_id=model_id or None, region=region, partition=partition
    )
    if conn is not None and conn.method == "access-key":
        return policy, translate("policy", "Attach to the IAM user of the access key: it allows exactly what the "
                                           "connection needs and nothing else.")
    return policy, translate("policy", "Attach to the role: it allows exactly what the connection needs and nothing "
                                       "else.")


def _trust(args, profile) -> tuple[dict, str]:
    from wizard.core import policies

    conn = profile.connection if profile else None
    if conn is not None and conn.method not in ("assume-role", "cross-account") and not args.role_arn:
        raise CommandError(translate("policy", "profile {name!r} assumes no role ({method}), so there is no trust "
                                               "policy to install; --permissions gives what its identity needs (or "
                                               "pass --role-arn ARN)").format(name=profile.name, method=conn.method),
                           EXIT_USAGE)
    external_id = args.external_id if args.external_id is not None else (conn.external_id if conn else "")
    principal = _principal(args, profile)
    try:
        policy = policies.trust_policy(principal, external_id=external_id or None)
    except ValueError as exc:
        raise CommandError(shown(exc), EXIT_USAGE) from None
    role = _entered_role(conn, args) or translate("policy", "the role")
    return policy, translate("policy", "Install as the trust policy of {role} (IAM > Roles > the role > Trust "
                                       "relationships).").format(role=role)


def _caller(args, profile) -> tuple[dict, str]:
    from wizard.core import policies

    role = _entered_role(profile.connection if profile else None, args)
    if not role:
        raise CommandError(translate("policy", "the role is unknown: pass --role-arn ARN"), EXIT_USAGE)
    if not role.startswith("arn:"):  # a role name: it lives in the caller's account
        try:
            role = arn.role_arn(role, _principal(args, profile))
        except ValueError:
            raise CommandError(translate("policy", "role {role!r} is a name: pass --role-arn ARN").format(role=role),
                               EXIT_USAGE) from None
    return policies.caller_policy(role), translate("policy", "Attach to the user or role that calls AssumeRole.")


def build(args) -> tuple[dict, str]:
    """The policy, and a note on where to install it."""
    profile = _load_profile(args.name) if args.name else None
    if args.permissions:
        return _permissions(args, profile.connection if profile else None)
    if args.trust:
        return _trust(args, profile)
    return _caller(args, profile)


@guarded
def cmd_policy(args) -> int:
    from wizard.core import policies

    policy, where = build(args)
    print(policies.to_json(policy))
    print(where, file=sys.stderr)
    return EXIT_OK


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "policy",
        help=translate("policy", "Print the IAM policy an administrator must install for a profile."),
        description=translate("policy", "Print the IAM policy JSON an administrator must install. Only the JSON goes "
                                        "to standard output; where to install it goes to standard error."),
    )
    parser.add_argument("name", metavar="NAME", nargs="?",
                        help=translate("policy", "a saved profile (optional with the flags below)"))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--trust", action="store_true", help=translate("policy", "the role's trust policy"))
    which.add_argument("--permissions", action="store_true",
                       help=translate("policy", "least-privilege permissions for the service"))
    which.add_argument("--caller", action="store_true",
                       help=translate("policy", "the caller's sts:AssumeRole permission on the role"))
    parser.add_argument("--principal", metavar="ARN",
                        help=translate("policy", "the identity to trust (default: found from the profile)"))
    parser.add_argument("--external-id", metavar="X",
                        help=translate("policy", "External ID the trust policy demands (cross-account)"))
    parser.add_argument("--service", choices=SERVICE_IDS)
    parser.add_argument("--region", metavar="R")
    parser.add_argument("--bucket", metavar="B", help=translate("policy", "S3: read-only on this bucket"))
    parser.add_argument("--model-id", metavar="M", help=translate("policy", "Bedrock: only this foundation model"))
    parser.add_argument("--role-arn", metavar="ARN",
                        help=translate("policy", "the role (for --caller, and the partition)"))
    parser.set_defaults(run=cmd_policy)
