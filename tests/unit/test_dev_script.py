"""`./dev` never stops, disables or kills a service or process it did not start (a system tinyproxy may be the user's
proxy; the tests start their own on a loopback port of their choosing)."""

import re
from pathlib import Path

DEV = Path(__file__).resolve().parents[2] / "dev"


def test_dev_never_stops_what_it_did_not_start():
    code = [line for line in DEV.read_text().splitlines() if not line.lstrip().startswith("#")]
    offending = [line for line in code
                 if re.search(r"\b(pkill|killall|kill)\b|systemctl\s+.*\b(stop|disable|mask|kill)\b", line)]
    assert offending == []
