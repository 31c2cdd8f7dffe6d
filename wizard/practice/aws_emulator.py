"""A local AWS for practice mode and the end-to-end tests: moto's server on 127.0.0.1 with request signing enforced,
behind the trust gate (wizard.practice.trust_gate) that evaluates role trust policies for AssumeRole.

Seeded, with moto's seeding credentials, before signing is enforced:
- the practice user (an access key; a policy allowing sts:AssumeRole and every service probe),
- a "denied" user (an access key, no permissions at all),
- an administrator user used only by the emulator and tests to add things later,
- PracticeRole, trusting the practice user (method assume-role),
- PracticeCrossAccountRole, trusting the practice user only with the External ID (method cross-account),
- UntrustingRole, trusting another account only (to practise "the trust policy doesn't trust the caller"),
- a bucket and an EC2 instance,
- temporary keys (from AssumeRole) that the gate refuses as expired, like AWS after their expiration,
- MFA: a virtual MFA device for the practice user (TOTP; its seed known to the gate, which checks codes),
  PracticeMfaRole trusting the practice user only with MFA (aws:MultiFactorAuthPresent), and "mfa-user", whose
  identity policy denies everything but GetSessionToken until MFA is presented (the gate plays that policy: moto
  ignores Bool conditions), with its own virtual device,
- one Bedrock model "enabled" (moto has no Bedrock runtime: once moto has checked the signature and the caller's IAM
  policy, the gate answers Converse itself, with one token for PRACTICE_MODEL_ID and AWS's model-access refusal for
  any other model id).

What moto 5.2 enforces once signing is on (checked by tests/integration/test_engine*.py):
- SigV4 signatures: a wrong secret gives SignatureDoesNotMatch (STS, S3) or AuthFailure (EC2); an unknown key
  InvalidClientTokenId.
- Identity-based IAM policies (users' inline policies, assumed roles' policies) for STS, S3, EC2, WorkSpaces and
  Bedrock runtime, including the caller's sts:AssumeRole. It names Converse's action bedrock:Converse where AWS checks
  bedrock:InvokeModel, and its S3 refusals say only "Access Denied" (the engine names the action from its probe table).
What it doesn't, and the trust gate does instead: role trust policies and the sts:ExternalId condition; request time
(clock skew); expiry of temporary keys (only the seeded expired keys); JSON error bodies for JSON-protocol services;
Bedrock runtime calls. Not relied on or not emulated: resource policies (bucket policies), SCPs, permission
boundaries, opt-in regions, throttling, outages (tests use loopback responders for the faults).

Nothing here ever talks to anything but 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

import boto3
from botocore.config import Config

from wizard.core import arn as arns
from wizard.core import totp
from wizard.core.validation import generate_external_id
from wizard.practice.trust_gate import Caller, TrustGate, decode_policy

REGION = "us-east-1"
PRACTICE_IMAGE_ID = "ami-0a1b2c3d4e5f60718"
PRACTICE_MODEL_ID = "amazon.nova-micro-v1:0"  # the one Bedrock model "enabled" in the practice account
SEED_KEY = "testing"  # moto's own seeding credentials: accepted only until signing is enforced
_ALL_PROBES = [
    "s3:ListAllMyBuckets",
    "s3:ListBucket",
    "ec2:DescribeInstances",
    "workspaces:DescribeWorkspaces",
    "bedrock:InvokeModel",
    "bedrock:Converse",  # moto names the Converse call's action after the operation; AWS checks bedrock:InvokeModel
]


@dataclass(frozen=True)
class PracticeValues:
    access_key_id: str
    secret_access_key: str
    account_id: str
    user_arn: str
    role_name: str
    role_arn: str
    cross_role_arn: str
    external_id: str
    bucket: str
    denied_access_key_id: str
    denied_secret_access_key: str
    region: str = REGION
    untrusted_role_arn: str = ""
    instance_id: str = ""
    model_id: str = PRACTICE_MODEL_ID
    expired_access_key_id: str = ""  # temporary keys (from AssumeRole) that the gate treats as expired
    expired_secret_access_key: str = ""
    expired_session_token: str = ""
    mfa_serial: str = ""  # the practice user's virtual MFA device
    mfa_totp_secret: str = ""  # its TOTP seed (base32): what an authenticator app holds
    mfa_role_arn: str = ""  # PracticeMfaRole: trusts the practice user only with MFA
    mfa_user_access_key_id: str = ""  # mfa-user: denied everything until MFA is presented
    mfa_user_secret_access_key: str = ""
    mfa_user_serial: str = ""
    mfa_user_totp_secret: str = ""

    def __repr__(self) -> str:  # the practice secrets are still secrets in logs
        return f"PracticeValues(access_key_id={self.access_key_id!r}, account_id={self.account_id!r}, ...)"


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(actions, resource="*") -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def _trust(principal: str, external_id: str | None = None, *, mfa: bool = False) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    if mfa:
        statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return _policy(statement)


class AwsEmulator:
    """moto's server + the trust gate, on 127.0.0.1. `url` is what clients use as endpoint_url."""

    def __init__(self, *, in_process: bool = False):
        self.in_process = in_process
        self._moto = None
        self._process: subprocess.Popen | None = None
        self._gate: TrustGate | None = None
        self._callers: dict[str, Caller] = {}
        self._secrets: dict[str, str] = {}  # long-term key id -> secret, for the gate's MFA sessions
        self._admin: tuple[str, str] | None = None
        self.practice: PracticeValues | None = None

    # --- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> AwsEmulator:
        port = self._start_moto()
        self._moto_url = f"http://127.0.0.1:{port}"
        self._gate = TrustGate(port, self._callers.get, self._trust_policy, unimplemented=_bedrock_converse,
                               lookup_secret=self._secrets.get).start()
        self.practice = self._seed()
        self._enforce_signing()
        return self

    def _start_moto(self) -> int:
        """Start moto's server: in a child process (moto is CPU-heavy Python; in our process it would hold the GIL
        and stall the GUI's event loop), or in a thread when frozen by PyInstaller (no `python -m` there)."""
        if self.in_process or getattr(sys, "frozen", False):
            from moto.server import ThreadedMotoServer

            logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
            self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            self._moto.start()
            return self._moto.get_host_and_port()[1]
        from wizard.practice.moto_child import PARENT_ENV

        self._process = subprocess.Popen(
            [sys.executable, "-m", "wizard.practice.moto_child"],  # dies with this process at any moment
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            # moto's thousands of public AMIs would take ~10 s to load into the first EC2 call of each region
            env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false", PARENT_ENV: str(os.getpid())},
        )
        line = self._process.stdout.readline()
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError("the local AWS emulator (moto) did not start")
        return int(line)

    def stop(self) -> None:
        if self._gate is not None:
            self._gate.stop()
            self._gate = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None
        if self._process is not None:
            self._process.stdin.close()  # the child stops when its stdin closes
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
            self._process.stdout.close()
            self._process = None

    def __enter__(self) -> AwsEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self._gate.url

    # --- clients ------------------------------------------------------------------------------------------------

    def client(self, service: str, access_key_id: str, secret_access_key: str, session_token: str | None = None,
               *, endpoint_url: str | None = None):
        return boto3.session.Session().client(
            service, region_name=REGION, endpoint_url=endpoint_url or self.url, aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key, aws_session_token=session_token,
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=3, read_timeout=30),
        )

    def admin_client(self, service: str):
        """A client with the emulator's administrator key (everything allowed), for adding test data later."""
        return self.client(service, *self._admin)

    def _seed_client(self, service: str):
        return self.client(service, SEED_KEY, SEED_KEY)

    # --- seeding ------------------------------------------------------------------------------------------------

    def _user(self, iam, name: str, policy: str | None) -> tuple[str, str, str]:
        arn = iam.create_user(UserName=name)["User"]["Arn"]
        if policy:
            iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=policy)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self._callers[key["AccessKeyId"]] = Caller(arn, arns.account(arn))
        self._secrets[key["AccessKeyId"]] = key["SecretAccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"], arn

    def _role(self, iam, name: str, trust: str) -> str:
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, MaxSessionDuration=43200)["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName=f"{name}-probes", PolicyDocument=_policy(_allow(_ALL_PROBES)))
        return arn

    def _seed(self) -> PracticeValues:
        iam = self._seed_client("iam")
        admin_id, admin_secret, _ = self._user(iam, "emulator-admin", _policy(_allow("*")))
        self._admin = (admin_id, admin_secret)
        # The gate's own IAM client, made once: straight to moto, and no model parsing (which holds the GIL) per request
        self._iam = self.client("iam", admin_id, admin_secret, endpoint_url=self._moto_url)
        key_id, secret, user_arn = self._user(iam, "practice-user", _policy(_allow(["sts:AssumeRole"] + _ALL_PROBES)))
        denied_id, denied_secret, _ = self._user(iam, "denied-user", None)
        account = arns.account(user_arn)
        external_id = generate_external_id()  # as the wizard's Generate makes one: hex, never starting with '-'
        role_arn = self._role(iam, "PracticeRole", _trust(user_arn))
        cross_arn = self._role(iam, "PracticeCrossAccountRole", _trust(user_arn, external_id))
        untrusted_arn = self._role(iam, "UntrustingRole", _trust("arn:aws:iam::111122223333:root"))
        bucket = "practice-bucket"
        self._seed_client("s3").create_bucket(Bucket=bucket)
        instance_id = self._seed_instance()
        expired = self._seed_client("sts").assume_role(RoleArn=role_arn, RoleSessionName="expired-practice",
                                                       DurationSeconds=900)["Credentials"]
        self._gate.expired_keys.add(expired["AccessKeyId"])
        mfa_serial, mfa_secret = self._mfa_device(iam, "practice-user", user_arn)
        mfa_role_arn = self._role(iam, "PracticeMfaRole", _trust(user_arn, mfa=True))
        mfa_user = self._user(iam, "mfa-user", _policy(_allow(["sts:AssumeRole"] + _ALL_PROBES)))
        mfa_user_serial, mfa_user_secret = self._mfa_device(iam, "mfa-user", mfa_user[2])
        self._gate.mfa_enforced.add(mfa_user[2])
        return PracticeValues(
            access_key_id=key_id, secret_access_key=secret, account_id=account, user_arn=user_arn,
            role_name="PracticeRole", role_arn=role_arn, cross_role_arn=cross_arn, external_id=external_id,
            bucket=bucket, denied_access_key_id=denied_id, denied_secret_access_key=denied_secret,
            untrusted_role_arn=untrusted_arn, instance_id=instance_id,
            expired_access_key_id=expired["AccessKeyId"], expired_secret_access_key=expired["SecretAccessKey"],
            expired_session_token=expired["SessionToken"],
            mfa_serial=mfa_serial, mfa_totp_secret=mfa_secret, mfa_role_arn=mfa_role_arn,
            mfa_user_access_key_id=mfa_user[0], mfa_user_secret_access_key=mfa_user[1],
            mfa_user_serial=mfa_user_serial, mfa_user_totp_secret=mfa_user_secret,
        )

    def new_mfa_device(self, user: str) -> tuple[str, str]:
        """One more virtual MFA device for a seeded user (IAM allows several): (serial, TOTP seed). Tests use a fresh
        device each so that they never wait for a code the others haven't used."""
        iam = self.admin_client("iam")
        arn = iam.get_user(UserName=user)["User"]["Arn"]
        return self._mfa_device(iam, user, arn, device_name=f"{user}-{uuid.uuid4().hex[:8]}")

    def _mfa_device(self, iam, user: str, user_arn: str, *, device_name: str = "") -> tuple[str, str]:
        """A virtual MFA device enabled for `user` (as in the IAM console: create, then two consecutive codes); the
        gate learns its seed. Returns (serial, TOTP seed)."""
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=device_name or user)["VirtualMFADevice"]
        seed = device.get("Base32StringSeed", b"")
        seed = seed.decode("ascii", "replace") if isinstance(seed, bytes) else str(seed)
        if not re.fullmatch(r"[A-Z2-7]{16,}", seed):  # moto's seed is random base32; keep ours if it isn't
            seed = totp.new_secret()
        now = time.time()
        iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                              AuthenticationCode1=totp.code_at(seed, now - totp.STEP),
                              AuthenticationCode2=totp.code_at(seed, now))
        self._gate.add_mfa_device(device["SerialNumber"], seed, user_arn)
        return device["SerialNumber"], seed

    @property
    def gate(self) -> TrustGate:
        """The trust gate (tests: shorten MFA sessions with `gate.session_seconds`)."""
        return self._gate

    def _seed_instance(self) -> str:
        ec2 = self._seed_client("ec2")  # moto doesn't validate image ids unless asked (MOTO_ENABLE_AMI_VALIDATION)
        found = ec2.run_instances(ImageId=PRACTICE_IMAGE_ID, MinCount=1, MaxCount=1, InstanceType="t3.micro")
        return found["Instances"][0]["InstanceId"]

    def _enforce_signing(self) -> None:
        request = urllib.request.Request(f"{self._moto_url}/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "application/octet-stream"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
            response.read()

    def _trust_policy(self, role_arn: str) -> dict | None:
        name = arns.role_name(role_arn)
        try:
            role = self._iam.get_role(RoleName=name)["Role"]
        except Exception:  # noqa: BLE001 - no such role (or a malformed ARN): the gate refuses
            return None
        if role["Arn"] != role_arn:
            return None
        return decode_policy(role["AssumeRolePolicyDocument"])


_CONVERSE = re.compile(r"^/model/([^/?]+)/converse$")


def _bedrock_converse(method: str, path: str, body: bytes):
    """Bedrock runtime's Converse, which moto passes through its IAM check but does not implement."""
    found = _CONVERSE.match(path)
    if method != "POST" or found is None:
        return None
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", str(uuid.uuid4()))]
    if urllib.parse.unquote(found.group(1)) != PRACTICE_MODEL_ID:
        message = {"message": "You don't have access to the model with the specified model ID."}
        return 403, headers + [("x-amzn-ErrorType", "AccessDeniedException")], json.dumps(message).encode()
    answer = {"output": {"message": {"role": "assistant", "content": [{"text": "Hi"}]}}, "stopReason": "max_tokens",
              "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 1}}
    return 200, headers, json.dumps(answer).encode()


def _serve_moto() -> None:
    """Child-process entry: moto's server on 127.0.0.1 (port on stdout) until stdin closes."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__" and sys.argv[1:] == ["--serve-moto"]:
    _serve_moto()
