"""How long until a silent endpoint is reported: the wizard's engine vs botocore's default configuration.

A loopback endpoint accepts connections and never answers (a firewall that swallows traffic). Measured in this run:
1. the engine (wizard defaults: one attempt, connect 3 s, read 10 s): time until the test reports `timeout`;
2. botocore's defaults (its retry mode and attempts, 60 s read timeout), in two honest parts, because a full run takes
   minutes: (a) the number of attempts and the total back-off, measured with the default retry configuration but a
   0.5 s read timeout (the silent endpoint counts the connections); (b) one attempt with the default 60 s read
   timeout, capped at --cap seconds (default 30) unless --full. The baseline is then
   attempts x one-attempt time + back-off, and the output says which parts were measured and which were extrapolated.

Run: .venv/bin/python -m bench.timeout [--cap 30] [--full]
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.config import Config  # noqa: E402

from tests.support.responders import SilentEndpoint, closed_port  # noqa: E402
from wizard.core import engine  # noqa: E402
from wizard.core.connection import Connection, NetworkSettings, Secrets  # noqa: E402

KEY_ID = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example key; the endpoint is loopback and never answers
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example secret, not a real one


def engine_time(url: str) -> tuple[float, str]:
    conn = Connection(access_key_id=KEY_ID, region="us-east-1", network=NetworkSettings(endpoint_url=url))
    started = time.monotonic()
    report = engine.run_test(conn, Secrets(SECRET))
    return time.monotonic() - started, report.code


def botocore_call(url: str, config: Config) -> float:
    client = boto3.session.Session().client("sts", region_name="us-east-1", endpoint_url=url,
                                            aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, config=config)
    started = time.monotonic()
    try:
        client.get_caller_identity()
    except Exception:  # noqa: BLE001 - the silent endpoint always ends in a timeout
        pass
    return time.monotonic() - started


class CountingSilentEndpoint(SilentEndpoint):
    @property
    def connections(self) -> int:
        return len(self._held)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cap", type=float, default=30.0, help="cap for the one default-timeout attempt (seconds)")
    parser.add_argument("--full", action="store_true", help="measure the one default attempt without a cap")
    args = parser.parse_args()

    default_read = Config().read_timeout or 60
    session = boto3.session.Session()._session  # noqa: SLF001 - only to print botocore's effective defaults
    mode = session.get_config_variable("retry_mode") or "legacy"
    print(f"botocore {botocore.__version__}: retry mode {mode!r}, "
          f"read timeout {default_read} s, connect timeout {Config().connect_timeout or 60} s")

    # As in the program, which warms up at start-up: botocore's data parsed and its lazy imports done before the
    # measured test (a first test against a refused port; its ~1 s one-time cost is not part of the timeout).
    engine.warm_up(("s3",))
    engine_time(f"http://127.0.0.1:{closed_port()}")
    with SilentEndpoint() as silent:
        wizard_seconds, code = engine_time(silent.url)
    print(f"wizard engine: reported {code!r} after {wizard_seconds:.2f} s (measured; 1 attempt, connect 3 s, read 10 s)")

    with CountingSilentEndpoint() as silent:
        short = botocore_call(silent.url, Config(read_timeout=0.5))
        time.sleep(0.3)
        attempts = silent.connections
    backoff = max(0.0, short - attempts * 0.5)
    print(f"botocore defaults, read timeout shortened to 0.5 s: {attempts} attempts, {short:.2f} s in all, "
          f"so about {backoff:.2f} s of back-off (measured)")

    cap = None if args.full else min(args.cap, default_read)
    with SilentEndpoint() as silent:
        one = botocore_call(silent.url, Config(read_timeout=cap or default_read, retries={"total_max_attempts": 1}))
    if cap is not None and cap < default_read:
        per_attempt = default_read
        print(f"one attempt with the read timeout capped at {cap:g} s: {one:.2f} s (measured); "
              f"uncapped it would wait the default {default_read} s (extrapolated)")
    else:
        per_attempt = one
        print(f"one attempt with the default {default_read} s read timeout: {one:.2f} s (measured)")
    baseline = attempts * per_attempt + backoff
    print(f"botocore defaults, silent endpoint: about {baseline:.1f} s = {attempts} x {per_attempt:.1f} s "
          f"+ {backoff:.1f} s back-off ({'measured' if args.full else 'partly extrapolated, see above'})")
    print(f"ratio (botocore defaults / wizard): {baseline / wizard_seconds:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
