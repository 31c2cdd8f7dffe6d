"""Practice mode for this process: a local AWS and a local instance metadata service, and nothing else.

`PracticeSession().start()` starts the AWS emulator (moto behind the trust gate, signing enforced), the IMDSv2
emulator (an instance with the practice role attached, whose credentials are the practice user's keys) and the IAM
Identity Center emulator (a start URL, two accounts and their roles, seeded in the background), then points
every AWS and metadata call of this process at them through the environment that botocore reads:

- AWS_ENDPOINT_URL = the emulator (every service) but AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC = the IAM
  Identity Center emulator; every other AWS_ENDPOINT_URL_<SERVICE> and
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS removed, so no service can be sent elsewhere;
- AWS_EC2_METADATA_SERVICE_ENDPOINT = the IMDS emulator, AWS_EC2_METADATA_DISABLED removed;
- AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE = empty files in a temporary directory, and every credential variable
  (AWS_PROFILE, AWS_ACCESS_KEY_ID, container and web-identity settings...) removed, so the user's real ~/.aws and keys
  are never read or written; the default credential chain ends at the practice instance role;
- AWS_CONNECTION_WIZARD_HOME = a practice profile store (`<real store>/practice`), apart from the real profiles;
- 127.0.0.1 added to NO_PROXY, so a configured proxy never sees practice traffic.

`prepare()` enters that environment at once with the endpoints at a loopback port that refuses connections (so a
window can open while the emulators start); `start()` starts them (seconds: run it off the GUI thread) and sets their
addresses. `stop()` shuts both servers, removes the practice profiles (and their keychain entries: their keys die with the
emulator) and restores every variable. It runs at interpreter exit and when the QApplication quits (`attach_qt`).
Only this process changes: children started later inherit the practice environment while it is active.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from wizard.core import arn as arns
from wizard.core.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

PRACTICE_DIR = "practice"  # under the real profile store's home
LOOPBACK = "127.0.0.1"

# Variables removed in practice: each could send a call elsewhere or pick up the user's real identity.
CLEARED = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
    "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "AWS_EC2_METADATA_V1_DISABLED",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_CA_BUNDLE", "AWS_REGION",
)
ENDPOINT_PREFIX = "AWS_ENDPOINT_URL_"  # service-specific endpoints win over AWS_ENDPOINT_URL: all removed


@dataclass(frozen=True)
class Mistake:
    """A ready-made mistake to try in practice mode, and the diagnosis it shows."""

    id: str
    title: str
    method: str  # the wizard method to pick
    steps: str  # what to enter, in words
    diagnosis: str  # the stable diagnosis code the test shows
    lesson: str  # what the diagnosis teaches


MISTAKES = (
    Mistake(
        "wrong-secret", QT_TRANSLATE_NOOP("practice_panel", "A wrong secret key"), "access-key",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "Pick “{method}”, paste the practice access key ID, and type a secret key that is"
            " not the practice one (the panel offers one).",
        ),
        "wrong-secret-key",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "AWS knows the access key ID but the signature made with the secret does not "
            "match: the secret was mistyped or belongs to another key.",
        ),
    ),
    Mistake(
        "wrong-external-id", QT_TRANSLATE_NOOP("practice_panel", "A wrong External ID"), "cross-account",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "Pick “{method}”, paste the role ARN, and an External ID other than the practice "
            "one.",
        ),
        "assume-role-denied",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "The role's trust policy demands its External ID: AssumeRole is refused. The "
            "diagnosis lists all three causes and offers the trust policy to install.",
        ),
    ),
    Mistake(
        "untrusting-role", QT_TRANSLATE_NOOP("practice_panel", "A role that does not trust you"), "assume-role",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "Pick “{method}”, paste the practice keys, and as the role the one whose trust "
            "policy names another account.",
        ),
        "assume-role-denied",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "The keys are fine, but the role's trust policy does not name their user, so "
            "AssumeRole is refused: the role's owner must add the principal (the wizard shows"
            " the trust policy to install).",
        ),
    ),
    Mistake(
        "expired-token", QT_TRANSLATE_NOOP("practice_panel", "An expired session token"), "assume-role",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "Pick “{method}”, paste the expired temporary key ID, its secret and its session "
            "token, and the role name.",
        ),
        "expired-token",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "Temporary keys stop working when their session token expires: get new ones "
            "(Renew token in the manager).",
        ),
    ),
    Mistake(
        "no-mfa-code", QT_TRANSLATE_NOOP("practice_panel", "No MFA code"), "access-key",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "Pick “{method}”, paste the MFA user's access key ID and secret (below), and "
            "leave the MFA device empty.",
        ),
        "mfa-required",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "This user is denied everything until it signs in with MFA: add the MFA device to"
            " the profile, and the test asks for the six-digit code.",
        ),
    ),
    Mistake(
        "wrong-mfa-code", QT_TRANSLATE_NOOP("practice_panel", "A wrong MFA code"), "access-key",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "Pick “{method}”, paste the practice keys and the practice MFA device, and when "
            "the test asks for the code, type one other than the current code shown above.",
        ),
        "mfa-code-invalid",
        QT_TRANSLATE_NOOP(
            "practice_panel",
            "AWS accepts only the code the device shows now, and each code once: wait for the"
            " next code and enter it.",
        ),
    ),
)


class PracticeSession:
    """The practice emulators and environment of this process. Also a context manager."""

    def __init__(self, *, aws=None, real_home: Path | str | None = None):
        """`aws`: an AwsEmulator already running to use instead of starting one (it is then left running by stop():
        moto's state is process-wide, so a process has one). `real_home`: the real profile store's home (default: the
        one the store would use now)."""
        self._real_home = Path(real_home) if real_home is not None else None
        self._given_aws = aws
        self.aws = None  # wizard.practice.aws_emulator.AwsEmulator
        self.imds = None  # wizard.practice.imds_emulator.ImdsEmulator
        self.sso = None  # wizard.practice.sso_emulator.SsoEmulator (the sso method's login, accounts and roles)
        self.sso_ready = threading.Event()  # set when its accounts and roles are seeded (or seeding failed)
        self.store_home: Path | None = None
        self._aws_dir: str | None = None
        self._saved_env: dict[str, str | None] = {}
        self._lock = threading.RLock()
        self._atexit = False
        self._placeholder: socket.socket | None = None

    # --- what practice offers --------------------------------------------------------------------------------------

    @property
    def practice(self):
        """The seeded values (PracticeValues): keys, role name and ARNs, External ID, bucket, region."""
        return self.aws.practice if self.aws is not None else None

    @property
    def url(self) -> str:
        return self.aws.url

    @property
    def imds_url(self) -> str:
        return self.imds.url

    @property
    def running(self) -> bool:
        return self.aws is not None

    def wrong_secret(self) -> str:
        """A secret key that is not the practice one (same shape): for the wrong-secret mistake."""
        secret = self.practice.secret_access_key
        last = "A" if secret[-1] != "A" else "B"
        return secret[:-1] + last

    def untrusting_role(self) -> str:
        """The name of a role whose trust policy names another account: for the untrusting-role mistake."""
        arn = getattr(self.practice, "untrusted_role_arn", "")
        return arns.role_name(arn) if arn else ""

    @staticmethod
    def wrong_external_id() -> str:
        return "not-the-practice-external-id"

    def expired_credentials(self) -> dict | None:
        """{access_key_id, secret_access_key, session_token} of temporary keys the emulator says have expired, or None
        when the emulator offers none."""
        p = self.practice
        key = getattr(p, "expired_access_key_id", "")
        if not key:
            return None
        return {
            "access_key_id": key,
            "secret_access_key": p.expired_secret_access_key,
            "session_token": p.expired_session_token,
        }

    # --- lifecycle -------------------------------------------------------------------------------------------------

    def prepare(self) -> PracticeSession:
        """Enter the practice environment before the emulators run (cheap, so a window can open at once): the
        practice store, the empty AWS files, and every endpoint pointed at a loopback port that refuses connections
        until `start()` has the emulators' addresses."""
        with self._lock:
            if not self._saved_env:
                self._placeholder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                self._placeholder.bind((LOOPBACK, 0))  # bound, never listening: connections are refused
                refused = f"http://{LOOPBACK}:{self._placeholder.getsockname()[1]}"
                self._enter_environment(refused, refused)
            if not self._atexit:
                atexit.register(self.stop)
                self._atexit = True
        return self

    def start(self) -> PracticeSession:
        """Start both emulators (blocking: seconds; run it off the GUI thread) and point everything at them."""
        from wizard.practice.aws_emulator import AwsEmulator
        from wizard.practice.imds_emulator import ImdsEmulator

        self.prepare()
        with self._lock:
            if self.aws is not None:
                return self
            try:
                self.aws = self._given_aws if self._given_aws is not None else AwsEmulator().start()
                p = self.aws.practice
                keys = {"access_key_id": p.access_key_id, "secret_access_key": p.secret_access_key,
                        "session_token": ""}
                self.imds = ImdsEmulator(
                    "role", role=p.role_name, account=p.account_id, region=p.region,
                    instance_id=getattr(p, "instance_id", "") or "i-0a1b2c3d4e5f60718", credentials=keys,
                ).start()
                self._set("AWS_ENDPOINT_URL", self.aws.url)
                self._set("AWS_EC2_METADATA_SERVICE_ENDPOINT", self.imds.url)
                self._set("AWS_DEFAULT_REGION", p.region)
                self._start_sso()
            except BaseException:
                self._shutdown()
                raise
            self._close_placeholder()
        self._forget_old_profiles()
        return self

    # --- IAM Identity Center (the sso method) ----------------------------------------------------------------------

    def _start_sso(self) -> None:
        """The IAM Identity Center emulator: its server at once (botocore's AWS_ENDPOINT_URL_SSO and
        AWS_ENDPOINT_URL_SSO_OIDC point at it), its accounts and roles seeded in a background thread (IAM calls to
        moto), so starting practice mode waits for none of it."""
        from wizard.practice.sso_emulator import SsoEmulator
        from wizard.practice.sso_seed import seed_practice

        self.sso = SsoEmulator().start()
        self._set("AWS_ENDPOINT_URL_SSO", self.sso.url)
        self._set("AWS_ENDPOINT_URL_SSO_OIDC", self.sso.url)
        sso, aws = self.sso, self.aws

        def seed() -> None:
            try:
                seed_practice(sso, aws)
            except Exception:  # practice goes on without SSO accounts; the other methods still work
                log.exception("could not seed the practice IAM Identity Center")
            finally:
                self.sso_ready.set()

        threading.Thread(target=seed, name="practice-sso-seed", daemon=True).start()

    def sso_values(self) -> tuple[str, str] | None:
        """(start URL, SSO region) of practice mode's IAM Identity Center, or None before it runs."""
        if getattr(self, "sso", None) is None:
            return None
        from wizard.practice.sso_emulator import PRACTICE_START_URL

        return PRACTICE_START_URL, self.sso.region

    def _forget_sso_login(self) -> None:
        """The practice login's tokens leave the keychain with the emulator that issued them."""
        values = self.sso_values()
        if values is None:
            return
        try:
            from wizard.core.sso_tokens import SsoTokenStore, session_key

            SsoTokenStore().forget(session_key(*values))
        except Exception:  # noqa: BLE001 - no keychain: nothing was stored there either
            log.warning("could not remove the practice IAM Identity Center tokens from the keychain")

    def stop(self) -> None:
        """Stop both servers, drop the practice profiles and restore the environment. Safe to call twice."""
        with self._lock:
            if not self._saved_env and self.aws is None and self.imds is None:
                return
            try:
                self._forget_old_profiles()
            finally:
                self._shutdown()

    def attach_qt(self, app) -> None:
        """Stop when the QApplication is about to quit (closing the last window)."""
        app.aboutToQuit.connect(self.stop)

    def __enter__(self) -> PracticeSession:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- internals -------------------------------------------------------------------------------------------------

    def _shutdown(self) -> None:
        self._forget_sso_login()
        for server in (getattr(self, "sso", None), self.imds, self.aws):
            if server is not None and server is not self._given_aws:
                try:
                    server.stop()
                except Exception:  # keep stopping the rest, restore the environment
                    log.exception("could not stop a practice server")
        self.imds = self.aws = self.sso = None
        self._close_placeholder()
        self._leave_environment()

    def _close_placeholder(self) -> None:
        if self._placeholder is not None:
            self._placeholder.close()
            self._placeholder = None

    def _set(self, name: str, value: str | None) -> None:
        if name not in self._saved_env:
            self._saved_env[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    def _enter_environment(self, endpoint: str, imds_endpoint: str) -> None:
        from wizard.core.profiles import HOME_ENV, default_home

        real_home = self._real_home or default_home()
        self.store_home = real_home / PRACTICE_DIR
        self._aws_dir = tempfile.mkdtemp(prefix="awscw-practice-aws-")
        config, credentials = Path(self._aws_dir, "config"), Path(self._aws_dir, "credentials")
        config.touch(mode=0o600)
        credentials.touch(mode=0o600)

        for name in CLEARED:
            self._set(name, None)
        for name in [n for n in os.environ if n.startswith(ENDPOINT_PREFIX)]:
            self._set(name, None)
        self._set("AWS_ENDPOINT_URL", endpoint)
        self._set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_endpoint)
        self._set("AWS_CONFIG_FILE", str(config))
        self._set("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
        self._set(HOME_ENV, str(self.store_home))
        for name in ("NO_PROXY", "no_proxy"):
            present = [h for h in (os.environ.get(name) or "").split(",") if h]
            self._set(name, ",".join(present + [h for h in (LOOPBACK, "localhost") if h not in present]))

    def _leave_environment(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        if self._aws_dir is not None:
            shutil.rmtree(self._aws_dir, ignore_errors=True)
            self._aws_dir = None

    def _forget_old_profiles(self) -> None:
        """Remove the practice store's profiles and their keychain entries: their emulator and keys are gone (or
        about to be). Best effort: a practice leftover is harmless (it can only reach 127.0.0.1)."""
        if self.store_home is None or not (self.store_home / "profiles.json").exists():
            return
        from wizard.core.keychain import SecretStore
        from wizard.core.profiles import ProfileStore, remove_profile

        store, secrets = ProfileStore(self.store_home), SecretStore()
        try:
            for profile in store.list():
                remove_profile(store, secrets, profile.name)
        except Exception as exc:  # noqa: BLE001 - no keychain, a locked one, an unreadable file: leave it
            log.warning("could not remove the previous practice profiles: %s", type(exc).__name__)


def endpoints_in(environ=os.environ) -> dict[str, str]:
    """Every AWS endpoint setting in `environ` (AWS_ENDPOINT_URL*, AWS_EC2_METADATA_SERVICE_ENDPOINT)."""
    return {k: v for k, v in environ.items()
            if k.startswith("AWS_ENDPOINT_URL") or k == "AWS_EC2_METADATA_SERVICE_ENDPOINT"}
