"""Fourth page: the AWS Region, searchable, grouped by partition, with regions that lack the chosen service flagged.

Keyboard: type in the search box, press Down to move into the list, Up/Down to choose, Enter for Next. A region id
that is not in the list (newer than the installed botocore) can still be used: it appears as its own entry and the
validator says what it knows about it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWizardPage,
)

from wizard.core import fields, validation
from wizard.core.regions import find_region, partitions
from wizard.core.services import SERVICES, availability
from wizard.ui.translator import translate
from wizard.ui.widgets import FieldMessage, level_icon, plain_label, search_line, small_muted, with_mnemonic

REGION_ROLE = Qt.ItemDataRole.UserRole
REGION_ID_LIKE = re.compile(r"^[a-z]{2,}(-[a-z0-9]+)*-[0-9]+$")


def service_short_name(service_id: str) -> str:
    """ "EC2" for ec2: the service's title without the word Amazon."""
    service = SERVICES.get(service_id)
    return service.title.removeprefix("Amazon ").removeprefix("AWS ") if service else service_id


def availability_note(service_id: str, region_id: str) -> tuple[str, str]:
    """(level, words) for the list's availability column; ("", "") when the service is offered there."""
    state = availability(service_id, region_id) if service_id in SERVICES else "unknown"
    if state == "unavailable":
        return "warning", translate("region_page", 'not offered for {0}').format(service_short_name(service_id))
    if state == "unknown":
        return "info", translate("region_page", "availability unknown")
    return "", ""


class RegionPage(QWizardPage):
    network_requested = Signal()  # the "Advanced: network…" button: the wizard opens its network settings

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(translate("region_page", "Which AWS Region?"))
        self.setSubTitle(translate("region_page", "Regions are grouped by partition; a role's ARN and its region must "
                                                  "be in the same partition."))
        self._region = "us-east-1"
        self._service = "s3"
        self._role_arn = ""  # the role to assume, if any: its partition must be the region's
        taken: set[str] = set()
        layout = QVBoxLayout(self)
        layout.setSpacing(6)

        line, self.search = search_line(
            self, with_mnemonic(translate("region_page", "Search:"), taken), "region-search",
            translate("region_page", "Search regions"),
            translate("region_page", "a region code or a place, e.g. eu-central-1 or Frankfurt; Down moves into the "
                                     "list"))
        layout.addLayout(line)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("regions")
        self.tree.setAccessibleName(translate("region_page", "AWS Regions by partition"))
        self.tree.setAccessibleDescription(translate("fields", fields.field("region").help))
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(
            [translate("region_page", "Region"), translate("region_page", "Service availability")]
        )
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setStretchLastSection(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 380)
        layout.addWidget(self.tree, 1)

        self.selected = plain_label("", self)
        self.message = FieldMessage("", self)
        layout.addWidget(self.selected)
        layout.addWidget(self.message)

        network_line = QHBoxLayout()
        self.network_button = QPushButton(with_mnemonic(self.tr("Advanced: network…"), taken), self)
        self.network_button.setObjectName("network-settings-button")
        self.network_button.setAccessibleName(self.tr("Advanced: network settings"))
        self.network_button.setAccessibleDescription(self.tr("Proxy, CA bundle file, endpoint URL and timeouts"))
        self.network_button.setAutoDefault(False)  # Enter stays Next
        self.network_button.clicked.connect(self.network_requested)
        self.network_summary = small_muted(plain_label("", self))
        self.network_summary.setObjectName("network-summary")
        network_line.addWidget(self.network_button)
        network_line.addWidget(self.network_summary, 1)
        layout.addLayout(network_line)

        self._custom = QTreeWidgetItem(["", ""])
        self._custom.setData(0, REGION_ROLE, "")
        self.tree.addTopLevelItem(self._custom)
        self._items: dict[str, QTreeWidgetItem] = {}
        for partition in partitions():
            group = QTreeWidgetItem([f"{partition.name} ({partition.id})", ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for region in partition.regions:
                item = QTreeWidgetItem(group, [region.label, ""])
                item.setData(0, REGION_ROLE, region.id)
                self._items[region.id] = item
        self._custom.setHidden(True)

        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.tree.installEventFilter(self)
        self.tree.currentItemChanged.connect(self._current_changed)
        self._filter("")

    # ---- state --------------------------------------------------------------------------------------------------
    def region(self) -> str:
        return self._region

    def set_region(self, region_id: str) -> None:
        self._region = region_id
        item = self._items.get(region_id)
        if item is None and region_id:
            self._set_custom(region_id)
            item = self._custom
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
        self.refresh()

    def set_service(self, service_id: str) -> None:
        """Mark each region by whether botocore's data lists the service there."""
        self._service = service_id
        self.tree.setHeaderLabels(
            [
                translate("region_page", "Region"),
                translate("region_page", "Availability of {0}").format(service_short_name(service_id)),
            ]
        )
        for rid, item in self._items.items():
            self._mark(item, rid)
        self._mark(self._custom, self._custom.data(0, REGION_ROLE))
        self.refresh()

    def _mark(self, item: QTreeWidgetItem, region_id: str) -> None:
        level, words = availability_note(self._service, region_id) if region_id else ("", "")
        item.setText(1, words)
        item.setIcon(1, level_icon(self.tree, level) if level else QIcon())

    def _set_custom(self, region_id: str) -> None:
        self._custom.setText(
            0,
            translate("region_page", "{region_id} — not in this program's list of regions").format(region_id=region_id),
        )
        self._custom.setData(0, REGION_ROLE, region_id)
        self._custom.setHidden(False)
        self._mark(self._custom, region_id)
        if self.tree.currentItem() is self._custom and self._region != region_id:
            self._region = region_id
            self.refresh()

    # ---- searching --------------------------------------------------------------------------------------------------
    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        shown_any = False
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is self._custom:
                continue
            shown = 0
            for j in range(group.childCount()):
                child = group.child(j)
                match = not needle or needle in child.text(0).lower()
                child.setHidden(not match)
                shown += match
            group.setHidden(shown == 0)
            shown_any = shown_any or shown > 0
            group.setExpanded(True)  # every partition open: each region is reachable with the arrow keys
        if needle and not shown_any and REGION_ID_LIKE.match(needle):
            self._set_custom(needle)  # a region newer than the bundled list: offer it as typed
        else:  # keep the custom entry only while it is the chosen region
            chosen = self._custom.data(0, REGION_ROLE)
            self._custom.setHidden(not chosen or chosen != self._region or chosen in self._items)

    def _first_visible_region(self) -> QTreeWidgetItem | None:
        it = QTreeWidgetItemIterator(self.tree, QTreeWidgetItemIterator.IteratorFlag.NotHidden)
        while it.value() is not None:
            item = it.value()
            if item.data(0, REGION_ROLE) and (item.parent() is None or not item.parent().isHidden()):
                return item
            it += 1
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down:
            current = self.tree.currentItem()
            if current is None or current.isHidden() or not current.data(0, REGION_ROLE):
                current = self._first_visible_region()
            self.tree.setFocus(Qt.FocusReason.TabFocusReason)
            if current is not None:
                self.tree.setCurrentItem(current)
            return True
        if (watched is self.tree and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Up
                and self.tree.currentItem() is self._first_visible_region()):
            self.search.setFocus(Qt.FocusReason.BacktabFocusReason)  # Up from the first region: back to the search
            return True
        return super().eventFilter(watched, event)

    def _current_changed(self, current, _previous) -> None:
        region_id = current.data(0, REGION_ROLE) if current is not None else ""
        if region_id:
            self._region = region_id
            self.refresh()

    # ---- checking -----------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        region = find_region(self._region)
        shown = region.label if region else self._region or translate("region_page", "none")
        self.selected.setText(f"{translate('fields', fields.field('region').label)}: {shown}")
        check = validation.check_field("region", self._region, {"service": self._service})
        messages = list(check.messages)
        if self._role_arn.lower().startswith("arn:"):
            role = validation.check_field("role_arn", self._role_arn, {"region": self._region})
            messages += [m for m in role.messages if m.code == "partition-mismatch"]
        self.message.set_messages(messages)
        self._ok = not any(m.level == "error" for m in messages)
        self.completeChanged.emit()

    def errors(self) -> dict[str, str]:
        return {} if self._ok else {"region": self.message.text()}

    # ---- QWizardPage ------------------------------------------------------------------------------------------------
    def set_role_arn(self, role_arn: str) -> None:
        self._role_arn = role_arn
        self.refresh()

    def values(self) -> dict[str, str]:
        return {"region": self._region}

    def apply(self, draft) -> None:
        draft.apply(self.values())

    def initializePage(self) -> None:
        conn = self.wizard().connection()
        self._role_arn = conn.role_arn or conn.role
        self.set_service(conn.service)
        self.set_region(self._region)
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def cleanupPage(self) -> None:
        pass

    def isComplete(self) -> bool:
        return getattr(self, "_ok", False)
