"""The four AWS services a connection can be made for, and where botocore says each is offered.

Availability comes from botocore's bundled endpoints.json (no network). bedrock-runtime has no entry of its own there:
its regional hostnames appear as "bedrock-runtime-<region>" endpoints of the "bedrock" service, so a region listed that
way is "available" and any other region is "unknown" (never "unavailable": the bundled data may simply be older).
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.connection import SERVICE_IDS
from wizard.core.regions import endpoints_data, partition_of

# The reference guide's note, in its own words (aws-connection-guide.txt, "Add the connection", step 6).
BEDROCK_WARNING = (
    "To call Bedrock models (InvokeModel, Converse), you must select bedrock-runtime: that is the endpoint that runs "
    "them. A connection saved for any other Bedrock name reaches the wrong endpoint, and every model call fails."
)


@dataclass(frozen=True)
class Service:
    id: str
    title: str
    description: str  # one line: what an administrator uses it for
    default_probe: str  # label of the call the test makes
    narrow_probe: str  # label of the narrower call for least-privilege roles; "" when there is none


SERVICES: dict[str, Service] = {
    s.id: s
    for s in (
        Service(
            "s3",
            "Amazon S3",
            "Store and retrieve files (objects) in buckets.",
            "ListBuckets: list the account's buckets (s3:ListAllMyBuckets)",
            "ListObjectsV2 on a named bucket, at most 1 key (s3:ListBucket); for roles limited to one bucket",
        ),
        Service(
            "ec2",
            "Amazon EC2",
            "Manage virtual servers (instances): list, start, stop.",
            "DescribeInstances as a dry run: proves permission without listing anything (ec2:DescribeInstances)",
            "",
        ),
        Service(
            "workspaces",
            "Amazon WorkSpaces",
            "Manage virtual desktops for users.",
            "DescribeWorkspaces, at most 1 result (workspaces:DescribeWorkspaces)",
            "",
        ),
        Service(
            "bedrock-runtime",
            "Amazon Bedrock (runtime)",
            "Invoke generative AI models (InvokeModel, Converse).",
            "Credentials and endpoint reach only: no model is called",
            "Opt-in: one smallest request to a named model (bedrock:InvokeModel); may cost a fraction of a cent",
        ),
    )
}
assert tuple(SERVICES) == SERVICE_IDS


def _partition_services(region_id: str) -> dict | None:
    pid = partition_of(region_id)
    for p in endpoints_data()["partitions"]:
        if p["partition"] == pid:
            return p.get("services", {})
    return None


def _usable(entry: dict | None) -> bool:
    return entry is not None and not entry.get("deprecated", False)


def availability(service_id: str, region_id: str) -> str:
    """"available", "unavailable" or "unknown": whether botocore's data lists `service_id` in `region_id`."""
    services = _partition_services(region_id)
    if services is None:
        return "unknown"  # a region no partition claims
    if service_id == "bedrock-runtime" and service_id not in services:
        endpoints = services.get("bedrock", {}).get("endpoints", {})
        return "available" if _usable(endpoints.get(f"bedrock-runtime-{region_id}")) else "unknown"
    service = services.get(service_id)
    if service is None:
        return "unavailable"
    if not service.get("isRegionalized", True):
        return "available"  # one global endpoint serves the whole partition
    return "available" if _usable(service.get("endpoints", {}).get(region_id)) else "unavailable"
