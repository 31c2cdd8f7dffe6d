"""Cyclic garbage is collected on the GUI thread only (wizard.ui.collector): a window caught in a reference cycle and
dropped while a worker thread allocates is destroyed on the GUI thread, not by the worker's allocation (a widget
destroyed from another thread: "QObject::killTimer: Timers cannot be stopped from another thread", then a crash).

The window's fate is watched in a fresh process (tests/support/collector_probe.py): in this one, what earlier tests
left behind can keep a dropped widget alive (seen after tests/gui/test_accessible_names.py), whatever collects."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

import pytest

from tests.support.profiles_cli import REPO
from wizard.ui import collector

pytestmark = pytest.mark.gui


def _probe(*args: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-m", "tests.support.collector_probe", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_a_window_in_a_cycle_is_destroyed_on_the_gui_thread_not_by_a_worker():
    seen = _probe()
    assert seen["during_the_worker"] == []  # the worker's allocations collected nothing
    assert seen["destroyed_on"] == [seen["main"]]  # the collector's timer did, on the GUI thread


def test_what_is_loaded_is_kept_out_of_later_collections_and_later_garbage_still_goes():
    seen = _probe("keep")
    assert seen["frozen"]
    assert seen["frozen_objects"] >= seen["loaded"]  # the structure is in the permanent generation...
    assert seen["tracked"] < seen["loaded"]  # ... not in those a collection on the GUI thread walks through
    assert seen["destroyed_on"] == [seen["main"]]  # a cycle dropped afterwards is collected as before, on this thread


def test_the_application_collects_on_its_own_thread(qapp):
    assert not gc.isenabled()  # the qapp fixture installed the program's collector
    assert collector.collect_on_gui_thread() is collector.collect_on_gui_thread()  # once per application


def test_nothing_is_collected_while_the_youngest_generation_is_under_its_threshold(qapp):
    gc.collect()
    made = collector.collect_on_gui_thread()
    before = made.collections
    made.collect_due()
    assert made.collections == before
