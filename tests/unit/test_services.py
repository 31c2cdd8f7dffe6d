"""The four services, the Bedrock warning, and availability from botocore's endpoint data."""


import botocore.session
import pytest

from wizard.core import regions, services
from wizard.core.connection import SERVICE_IDS


def test_services_in_contract_order_with_one_line_texts():
    assert tuple(services.SERVICES) == SERVICE_IDS
    for sid, service in services.SERVICES.items():
        assert service.id == sid
        for text in (service.title, service.description, service.default_probe):
            assert text and "\n" not in text
    assert "ListBuckets" in services.SERVICES["s3"].default_probe
    assert "ListObjectsV2" in services.SERVICES["s3"].narrow_probe
    assert "DryRun" in services.SERVICES["ec2"].default_probe.replace("dry run", "DryRun")
    assert services.SERVICES["ec2"].narrow_probe == "" and services.SERVICES["workspaces"].narrow_probe == ""
    assert "cost" in services.SERVICES["bedrock-runtime"].narrow_probe


def test_bedrock_warning_says_what_goes_wrong_and_what_to_pick_in_its_own_words():
    warning = services.BEDROCK_WARNING
    assert "you must select bedrock-runtime" in warning  # what to pick
    assert "fails" in warning  # what goes wrong otherwise
    # The program's own words, not a vendor guide's sentence copied verbatim (an earlier version did).
    assert "Selecting a different service name will cause Bedrock requests to fail" not in warning


@pytest.mark.parametrize(
    ("service", "region", "expected"),
    [
        ("s3", "us-east-1", "available"),
        ("ec2", "eu-west-1", "available"),
        ("workspaces", "us-east-1", "available"),
        ("s3", "cn-north-1", "available"),
        ("workspaces", "eu-north-1", "unavailable"),
        ("bedrock-runtime", "us-east-1", "available"),
        ("bedrock-runtime", "us-gov-west-1", "available"),
        ("ec2", "mars-central-1", "unknown"),
    ],
)
def test_availability(service, region, expected):
    assert services.availability(service, region) == expected


def test_availability_agrees_with_botocore_for_listed_services():
    session = botocore.session.get_session()
    for service in ("s3", "ec2", "workspaces"):
        for partition in ("aws", "aws-cn", "aws-us-gov"):
            offered = set(session.get_available_regions(service, partition))
            for region in (r.id for p in regions.partitions() if p.id == partition for r in p.regions):
                assert (services.availability(service, region) == "available") == (region in offered), (service, region)


def test_bedrock_runtime_is_never_unavailable():
    seen = {services.availability("bedrock-runtime", rid) for rid in regions.all_region_ids()}
    assert "unavailable" not in seen
    assert seen == {"available", "unknown"}  # some regions listed under bedrock's endpoints, the rest unknown
