"""The "Check this machine" panel: is this an EC2 instance with the role attached?

On the credentials page twice: under the assume-role method's role (is the entered role the one attached?) and under
the cross-account method's source choice (is there an instance role to offer as the identity that assumes the role?).

The check (`wizard.core.imds.check_instance`) talks to the instance metadata service with short timeouts; it runs in a
worker thread and is awaited on the qasync loop, so the window stays responsive. Findings are shown with their level's
icon and word.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable, Mapping

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wizard.core import imds
from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.core.validation import Message
from wizard.ui.translator import translate
from wizard.ui.widgets import FieldMessage, small_muted

INTRO = QT_TRANSLATE_NOOP("machine_check", "Programs using this method must run on an EC2 instance with the role "
                                           "attached.")
SOURCE_INTRO = QT_TRANSLATE_NOOP("machine_check", "On an EC2 instance, the role attached to it can be the identity "
                                                  "that assumes the role.")


def instance_messages(report: imds.InstanceReport) -> list[Message]:
    """What the panel says about a finished check: where it ran, then each finding."""
    messages = []
    if report.on_ec2:
        where = translate("machine_check", "This is EC2 instance {0} in {1}").format(
            report.instance_id or "?", report.region or "?"
        )
        role = (
            translate("machine_check", "; attached role: {role}").format(role=report.role)
            if report.role
            else translate("machine_check", "; no role is attached")
        )
        messages.append(Message("info", "instance", where + role + "."))
    messages += [Message(f.severity, f.code, f.text(translate)) for f in report.findings]
    if report.ok and not report.findings:
        messages.append(
            Message("info", "instance-ok", translate("machine_check", "The instance role can be used as entered."))
        )
    return messages


NOT_ON_EC2_SOURCE = QT_TRANSLATE_NOOP(
    "machine_check",
    "Not on EC2: this computer has no instance role to offer as the identity that assumes the role. "
    "Choose another source here, or check on the instance itself.",
)
IMDS_DISABLED_SOURCE = QT_TRANSLATE_NOOP(
    "machine_check",
    "Instance metadata is turned off here (AWS_EC2_METADATA_DISABLED=true), so this computer was not "
    "checked and no instance role can be offered. Choose another source, or unset the variable on "
    "an EC2 instance.",
)


def source_messages(report: imds.InstanceReport) -> list[Message]:
    """What the cross-account source choice's panel says: the instance role on offer, or why there is none."""
    if any(f.code == "imds-disabled" for f in report.findings):
        # Nothing was asked, so "not on EC2" would be a guess: say only why there is no instance role to offer.
        return [Message("warning", "imds-disabled", translate("machine_check", IMDS_DISABLED_SOURCE))]
    if not report.on_ec2:
        others = [Message(f.severity, f.code, f.text(translate)) for f in report.findings if f.code != "not-on-ec2"]
        return [Message("warning", "not-on-ec2", translate("machine_check", NOT_ON_EC2_SOURCE)), *others]
    if report.role:
        offered = Message(
            "info",
            "instance-role",
            translate(
                "machine_check",
                "EC2 instance {0} has the role {role} attached: it is offered above as the "
                "identity that assumes the role.",
            ).format(report.instance_id or "?", role=report.role),
        )
        return [offered, *(Message(f.severity, f.code, f.text(translate)) for f in report.findings)]
    return instance_messages(report)


class MachineCheckPanel(QWidget):
    """A button that runs the instance check for the role being entered, and the result beneath it. `checked` is
    emitted with the InstanceReport when a check finishes."""

    checked = Signal(object)

    def __init__(self, role: Callable[[], str], environ: Callable[[], Mapping[str, str]] | None = None, parent=None,
                 *, intro: str = INTRO, describe: Callable[[imds.InstanceReport], list[Message]] = instance_messages):
        super().__init__(parent)
        self._describe = describe
        self._role = role
        self._environ = environ or (lambda: os.environ)
        self.task: asyncio.Task | None = None
        self.report: imds.InstanceReport | None = None
        self.button = QPushButton(translate("machine_check", "Check this machine"), self)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.start)
        self.intro = small_muted(QLabel(translate("machine_check", intro), self))
        self.intro.setWordWrap(True)  # beside the button; wraps in a narrow window instead of widening it
        self.result = FieldMessage("", self)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.button)
        line.addWidget(self.intro, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addLayout(line)
        column.addWidget(self.result)

    def start(self) -> asyncio.Task:
        """Run the check now (it takes about a second off EC2); returns its task."""
        self.task = asyncio.ensure_future(self._run())
        return self.task

    async def _run(self) -> None:
        self.button.setEnabled(False)
        self.result.set_messages(
            [
                Message(
                    "info", "checking", translate("machine_check", "Checking this computer's instance metadata\u2026")
                )
            ]
        )
        role = self._role().strip() or None
        check = functools.partial(imds.check_instance, role, environ=dict(self._environ()))
        try:
            report = await asyncio.get_running_loop().run_in_executor(None, check)
        except Exception as exc:  # the check bounds its own time; anything else is shown, not raised into Qt
            report = None
            messages = [
                Message(
                    "error",
                    "check-failed",
                    translate("machine_check", "The check could not run: {exc}").format(exc=exc),
                )
            ]
        else:
            messages = self._describe(report)
        if not shiboken6.isValid(self):  # the wizard was closed meanwhile
            return
        self.report = report
        self.result.set_messages(messages)
        self.button.setEnabled(True)
        if report is not None:
            self.checked.emit(report)
