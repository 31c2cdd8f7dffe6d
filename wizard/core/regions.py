"""AWS Regions grouped by partition, from botocore's bundled endpoints.json (no network).

A partition is a separate AWS world (standard, China, GovCloud, ...): a role ARN's partition and the region must match.
Regions newer than the installed botocore are not listed; `partition_of` still places them by the partition's regex.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from wizard.core.botocore_data import LOADER


@dataclass(frozen=True)
class Region:
    id: str
    name: str  # e.g. "US East (N. Virginia)"

    @property
    def label(self) -> str:
        """What a list shows: "us-east-1 — US East (N. Virginia)"."""
        return f"{self.id} \u2014 {self.name}" if self.name else self.id


@dataclass(frozen=True)
class Partition:
    id: str  # "aws", "aws-cn", "aws-us-gov", ...
    name: str  # e.g. "AWS Standard"
    regions: tuple[Region, ...]


@functools.cache
def endpoints_data() -> dict:
    """botocore's bundled endpoints.json (loaded once)."""
    return LOADER.load_data("endpoints")


@functools.cache
def partitions() -> tuple[Partition, ...]:
    """Every partition with its regions, in botocore's order (aws first)."""
    return tuple(
        Partition(
            p["partition"],
            p.get("partitionName", p["partition"]),
            tuple(Region(rid, r.get("description", "")) for rid, r in sorted(p.get("regions", {}).items())),
        )
        for p in endpoints_data()["partitions"]
    )


@functools.cache
def _regions_by_id() -> dict[str, tuple[Region, str]]:
    return {r.id: (r, p.id) for p in partitions() for r in p.regions}


def partition_ids() -> tuple[str, ...]:
    return tuple(p.id for p in partitions())


def find_region(region_id: str) -> Region | None:
    """The listed region with this id, or None."""
    found = _regions_by_id().get(region_id)
    return found[0] if found else None


def partition_of(region_id: str) -> str | None:
    """The partition a region belongs to: listed regions first, then by each partition's region pattern."""
    found = _regions_by_id().get(region_id)
    if found:
        return found[1]
    for p in endpoints_data()["partitions"]:
        regex = p.get("regionRegex")
        if regex and re.match(regex, region_id):
            return p["partition"]
    return None


def all_region_ids() -> tuple[str, ...]:
    return tuple(_regions_by_id())
