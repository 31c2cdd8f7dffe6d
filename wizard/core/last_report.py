"""A profile's last test report, kept in the profile file so that it outlives the program.

Stored form (`Profile.last_report`): the engine's `TestReport.to_json(profile name)` (the `test --json` shape:
{"profile", "ok", "steps": [{"name", "status", "duration_ms", "diagnosis": null or {"code", "summary", "causes",
"remedy"}}]}) with a few additive keys the plain-text report needs: each step's "title" and, when not empty, "detail";
each diagnosis's "aws_error" and "refused_action" when not empty. Every string is redacted (`diagnoses.redact`) before
it is stored: the engine already redacts, this is a second guard. The plain text is not stored: `report_text(profile)`
rebuilds it with the engine's own `TestReport.to_text()` from this dict and the profile's connection, identity ARNs,
expiration and test time. No Qt; the engine (boto3) is imported only when a report is stored or rebuilt.
"""

from __future__ import annotations


def _redacted(value):
    from wizard.core.diagnoses import redact

    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


def stored_report(report, profile_name: str) -> dict | None:
    """The form of an engine TestReport kept in the profile file (None for anything without `to_json`)."""
    if not hasattr(report, "to_json"):
        return None
    data = report.to_json(profile_name)
    for step, entry in zip(report.steps, data["steps"]):
        entry["title"] = step.title
        if step.detail:
            entry["detail"] = step.detail
        d = step.diagnosis
        if d is not None and entry.get("diagnosis") is not None:
            if d.aws_error:
                entry["diagnosis"]["aws_error"] = d.aws_error
            if d.refused_action:
                entry["diagnosis"]["refused_action"] = d.refused_action
    return _redacted(data)


def rebuilt_report(profile):
    """An engine TestReport made from the profile's stored report (None when it has none)."""
    from wizard.core.diagnoses import Diagnosis
    from wizard.core.engine import StepResult, TestReport

    data = profile.last_report
    if not isinstance(data, dict):
        return None
    steps = []
    for entry in data.get("steps") or []:
        found = entry.get("diagnosis")
        diagnosis = None
        if isinstance(found, dict):
            diagnosis = Diagnosis(
                str(found.get("code", "")), str(found.get("summary", "")), tuple(found.get("causes") or ()),
                str(found.get("remedy", "")), str(found.get("aws_error", "")), str(found.get("refused_action", "")),
            )
        name = str(entry.get("name", ""))
        steps.append(StepResult(name, str(entry.get("title") or name), str(entry.get("status", "")),
                                int(entry.get("duration_ms") or 0), str(entry.get("detail", "")), diagnosis))
    return TestReport(
        steps=steps, identity_arn=profile.identity_arn or "", assumed_arn=profile.assumed_arn or "",
        expiration=profile.expiration, ok=bool(data.get("ok")), connection=profile.connection,
        finished_at=profile.tested_at or 0.0,
    )


def report_text(profile) -> str:
    """The plain-text report of the profile's last test, as the engine writes it ("" when none was stored)."""
    report = rebuilt_report(profile)
    return report.to_text() if report is not None else ""
