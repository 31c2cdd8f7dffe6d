"""Regions grouped by partition, read from botocore's bundled endpoints.json."""

import pytest

from wizard.core import regions


def test_standard_partition_comes_first_and_others_are_present():
    ids = regions.partition_ids()
    assert ids[0] == "aws"
    assert {"aws-cn", "aws-us-gov"} <= set(ids)
    assert regions.partitions()[0].name == "AWS Standard"


@pytest.mark.parametrize(
    ("region_id", "name", "partition"),
    [
        ("us-east-1", "US East (N. Virginia)", "aws"),
        ("eu-west-1", "Europe (Ireland)", "aws"),
        ("cn-north-1", "China (Beijing)", "aws-cn"),
        ("us-gov-west-1", "AWS GovCloud (US-West)", "aws-us-gov"),
    ],
)
def test_known_regions_have_display_names_and_partitions(region_id, name, partition):
    region = regions.find_region(region_id)
    assert region is not None
    assert region.name == name
    assert region.label == f"{region_id} \u2014 {name}"
    assert regions.partition_of(region_id) == partition
    assert region_id in regions.all_region_ids()


def test_every_partition_lists_regions_sorted_and_unique():
    all_ids = regions.all_region_ids()
    assert len(all_ids) == len(set(all_ids))
    for partition in regions.partitions():
        ids = [r.id for r in partition.regions]
        assert ids == sorted(ids)
        assert ids, partition.id


def test_unlisted_region_placed_by_partition_pattern():
    assert regions.find_region("us-east-99") is None
    assert regions.partition_of("us-east-99") == "aws"
    assert regions.partition_of("cn-south-9") == "aws-cn"


@pytest.mark.parametrize("bad", ["", "not a region", "mars-central-1", "US-EAST-1"])
def test_nonsense_is_no_region(bad):
    assert regions.find_region(bad) is None
    assert regions.partition_of(bad) is None


def test_label_without_name_is_the_id():
    assert regions.Region("xx-test-1", "").label == "xx-test-1"
