"""botocore's data parsed once per process in a worker thread after the first paint (`warm_up_in_background`), so that
neither the first window nor the first test pays for it."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from wizard.core.connection import SERVICE_IDS, Connection, Secrets
from wizard.ui.first_paint import FIRST_PAINT_WAIT_MS, after_first_paint

if TYPE_CHECKING:
    import concurrent.futures

__all__ = ["FIRST_PAINT_WAIT_MS", "warm_up_in_background"]

log = logging.getLogger(__name__)
_warm_up: concurrent.futures.Future | None = None


def warm_up_in_background() -> concurrent.futures.Future:
    """Parse botocore's data files (the STS and service models and endpoint rules, validation's rules, the regions) once
    per process, in a worker thread, as soon as a test view exists, so that no test pays for it. Parsing a large JSON
    file holds the GIL (EC2's model ~120 ms on a busy machine): done during a test it would stall the event loop.
    Returns the future (tests wait for it); later calls return the same one.

    It starts after the first window is exposed (painted), or after FIRST_PAINT_WAIT_MS when none is: botocore and boto3
    are imported by the worker, so nothing of them loads before the first paint.
    """
    global _warm_up
    if _warm_up is None:
        import concurrent.futures  # not before the first paint

        _warm_up = concurrent.futures.Future()
        after_first_paint(lambda: threading.Thread(target=_parse_botocore_data, args=(_warm_up,), daemon=True,
                                                    name="botocore-warm-up").start())
    return _warm_up


def _parse_botocore_data(done: concurrent.futures.Future | None = None) -> None:
    try:
        from wizard.core import aws, validation  # imported here, in the worker: botocore and boto3 load off the GUI

        validation.limits()  # offline validation: length and pattern rules from the models
        for service in SERVICE_IDS:  # ... and regions and service availability
            validation.check_connection(Connection(service=service), Secrets())
        aws.warm_up(("sts", *SERVICE_IDS), clients=True)
        from wizard.ui.collector import keep_what_is_loaded

        keep_what_is_loaded()  # collections on the GUI thread never look at the parsed data again
    except Exception as exc:  # noqa: BLE001 - only an optimisation: the test loads what it needs anyway
        log.warning("warming up botocore's data failed: %s", type(exc).__name__)
    finally:
        if done is not None:
            done.set_result(None)
