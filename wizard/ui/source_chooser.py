"""The cross-account method's choice of who assumes the role: this computer's default credentials, the EC2 instance
role, or a saved profile. The value is the `source` field's ("default", "instance" or "profile:NAME")."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from wizard.core.fields import Field
from wizard.core.i18n import QT_TRANSLATE_NOOP
from wizard.ui.translator import translate

SOURCE_CHOICES = (
    (
        "default",
        QT_TRANSLATE_NOOP("source_chooser", "This computer's default AWS credentials (environment, ~/.aws, SSO)"),
    ),
    ("instance", QT_TRANSLATE_NOOP("source_chooser", "The IAM role of this EC2 instance (instance metadata)")),
)
INSTANCE_ROLE_TEXT = QT_TRANSLATE_NOOP(
    "source_chooser", "EC2 instance role ({role})"
)  # the "instance" choice once a check found the attached role
NO_INSTANCE_ROLE_TEXT = QT_TRANSLATE_NOOP("source_chooser", "EC2 instance role (none attached to this instance)")
SAVED_PROFILE_TEXT = QT_TRANSLATE_NOOP("source_chooser", "Saved profile: {name}")


def source_combo(f: Field, parent: QWidget, edited) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(f.key)
    combo.setAccessibleName(translate("fields", f.label))
    for value, text in SOURCE_CHOICES:
        text = translate("source_chooser", text)
        combo.addItem(text, value)
    combo.currentIndexChanged.connect(lambda *_: edited(f.key))
    return combo


def set_saved_profiles(combo: QComboBox, names) -> None:
    """Offer these saved profiles after the fixed choices, keeping the current choice."""
    current = str(combo.currentData() or "")
    while combo.count() > len(SOURCE_CHOICES):
        combo.removeItem(combo.count() - 1)
    for name in names:
        combo.addItem(translate("source_chooser", SAVED_PROFILE_TEXT).format(name=name), f"profile:{name}")
    index = combo.findData(current)
    if index < 0 and current:
        combo.addItem(current, current)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


def offer_instance_role(combo: QComboBox, report) -> None:
    """After "Check this machine" beside the choice: name the attached role in the "instance" choice, and choose it
    when the choice was still the default credentials (a saved profile the user picked is kept)."""
    index = combo.findData("instance")
    if report.on_ec2 and report.role:
        combo.setItemText(index, translate("source_chooser", INSTANCE_ROLE_TEXT).format(role=report.role))
        if combo.currentData() == "default":
            combo.setCurrentIndex(index)
    elif report.on_ec2:
        combo.setItemText(index, translate("source_chooser", NO_INSTANCE_ROLE_TEXT))
    else:
        combo.setItemText(index, translate("source_chooser", dict(SOURCE_CHOICES)["instance"]))
