"""The service probes: one call per service that proves access without side effects or (by default) cost.

| service          | default probe                                 | narrow probe (opt-in / least privilege)         |
|------------------|-----------------------------------------------|-------------------------------------------------|
| s3               | ListBuckets (s3:ListAllMyBuckets)             | ListObjectsV2 MaxKeys=1 on the bucket (s3:ListBucket) |
| ec2              | DescribeInstances DryRun (ec2:DescribeInstances) | -                                            |
| workspaces       | DescribeWorkspaces Limit=1                    | -                                               |
| bedrock-runtime  | credentials + endpoint reach, no model called | Converse on the model, maxTokens 1 (bedrock:InvokeModel) |

`iam_actions()` lists exactly the IAM actions the selected probe uses; `wizard.core.policies.permissions_policy` must allow
these (it may add documented extras such as bedrock:InvokeModelWithResponseStream for applications that stream, but the
test itself never needs them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.core.i18n import QT_TRANSLATE_NOOP

REACH_ONLY = "reach"  # pseudo-operation: the bedrock-runtime default probe makes no API call on the service


@dataclass(frozen=True)
class ProbeCall:
    label: str  # what the step row says, e.g. "ListBuckets" (translated where shown: context "probes")
    operation: str  # boto3 method name, or REACH_ONLY
    iam_action: str  # the IAM action the call needs ("" for REACH_ONLY)
    params: dict = field(default_factory=dict)  # values may contain {bucket} / {model_id} placeholders
    expected_errors: tuple[str, ...] = ()  # AWS error codes that mean success (EC2 DryRun: DryRunOperation)
    may_cost: bool = False

    def resolved_params(self, *, bucket: str = "", model_id: str = "") -> dict:
        return _fill(self.params, {"bucket": bucket, "model_id": model_id})


def _fill(value, names: dict):
    if isinstance(value, str):
        return value.format(**names) if "{" in value else value
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


@dataclass(frozen=True)
class Probe:
    service: str
    default: ProbeCall
    narrow: ProbeCall | None = None


BEDROCK_REACH_LABEL = QT_TRANSLATE_NOOP("probes", "Credentials and endpoint reach only — no model called")

PROBES: dict[str, Probe] = {
    "s3": Probe(
        "s3",
        ProbeCall("ListBuckets", "list_buckets", "s3:ListAllMyBuckets"),
        ProbeCall(QT_TRANSLATE_NOOP("probes", "ListObjectsV2 (1 key) on the bucket"), "list_objects_v2", "s3:ListBucket",
                  {"Bucket": "{bucket}", "MaxKeys": 1}),
    ),
    "ec2": Probe(
        "ec2",
        ProbeCall(QT_TRANSLATE_NOOP("probes", "DescribeInstances (dry run)"), "describe_instances", "ec2:DescribeInstances", {"DryRun": True},
                  expected_errors=("DryRunOperation",)),
    ),
    "workspaces": Probe(
        "workspaces",
        ProbeCall(QT_TRANSLATE_NOOP("probes", "DescribeWorkspaces (1 result)"), "describe_workspaces", "workspaces:DescribeWorkspaces", {"Limit": 1}),
    ),
    "bedrock-runtime": Probe(
        "bedrock-runtime",
        ProbeCall(BEDROCK_REACH_LABEL, REACH_ONLY, ""),
        ProbeCall(
            QT_TRANSLATE_NOOP("probes", "Converse with the model (1 output token; may cost a fraction of a cent)"),
            "converse",
            "bedrock:InvokeModel",
            {
                "modelId": "{model_id}",
                "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
                "inferenceConfig": {"maxTokens": 1},
            },
            may_cost=True,
        ),
    ),
}


def select(service: str, *, bucket: str = "", model_id: str = "", invoke_model: bool = False) -> ProbeCall:
    """The probe the test runs: the narrow one when its target is given (bucket; model id with consent to invoke)."""
    probe = PROBES[service]
    if service == "s3" and bucket:
        return probe.narrow
    if service == "bedrock-runtime" and model_id and invoke_model:
        return probe.narrow
    return probe.default


def iam_actions(service: str, *, bucket: str | None = None, model_id: str | None = None) -> list[str]:
    """The IAM actions the probe for these settings calls (a model id implies the opt-in invoke probe)."""
    call = select(service, bucket=bucket or "", model_id=model_id or "", invoke_model=bool(model_id))
    return [call.iam_action] if call.iam_action else []
