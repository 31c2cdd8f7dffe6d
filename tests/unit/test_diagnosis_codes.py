"""Every diagnosis code a test report can carry is in the published lists (diagnoses.CODES + INSTANCE_CODES).

Sources of a report's diagnosis: `diagnoses.make` (every AWS, network, offline and keychain failure goes through it)
and the engine's `instance` step (the EC2 instance check's findings). One function each, in process.
"""

from __future__ import annotations

import pytest

from wizard.core import diagnoses, engine, imds, keychain
from wizard.core.connection import Connection, Secrets
from wizard.core.diagnoses import ALL_CODES, CODES, INSTANCE_CODES


def test_the_lists_are_disjoint_and_complete():
    assert len(set(ALL_CODES)) == len(ALL_CODES) == len(CODES) + len(INSTANCE_CODES)
    assert ALL_CODES == CODES + INSTANCE_CODES
    assert set(INSTANCE_CODES) == set(imds.FINDING_CODES)  # the instance check's findings, one list


def test_every_code_make_knows_is_published():
    assert set(diagnoses._TEXT) == set(CODES)
    with pytest.raises(KeyError):
        diagnoses.make("not-a-code")


@pytest.mark.parametrize("code", keychain.CODES)
def test_keychain_failures_map_to_published_codes(code):
    assert diagnoses.diagnose(keychain.KeychainError(code, "the keychain said no"), step="identity").code in CODES


@pytest.mark.parametrize("code", imds.FINDING_CODES)
def test_a_failed_instance_step_carries_a_published_code(code):
    found = imds.InstanceReport(on_ec2=True, role="PracticeRole", findings=[imds.Finding(code, "as found")])
    test = engine.ConnectionTest(Connection(method="assume-role", role="PracticeRole"), Secrets(),
                                 instance_check=lambda: found)
    status, detail = test._step_instance()
    if imds.FINDING_SEVERITY[code] == "error":
        assert status == "failed" and detail.code == code and code in INSTANCE_CODES
    else:
        assert status == "ok"
