"""What the frozen program keeps and drops (packaging/bundle_contents.py), without building anything."""

from __future__ import annotations

import pytest

from tests.packaging.conftest import load_packaging_module
from wizard.core import probes

bc = load_packaging_module("bundle_contents")


def test_every_service_the_program_calls_ships_its_botocore_model():
    called = {probe.service for probe in probes.PROBES.values()} | {"sts", "iam"}
    assert called <= set(bc.BOTOCORE_SERVICES)


@pytest.mark.parametrize(("dest", "kept"), [
    ("botocore/data/endpoints.json", True),
    ("botocore/data/_retry.json", True),
    ("botocore/data/sts/2011-06-15/service-2.json.gz", True),
    ("botocore/data/sts/2011-06-15/examples-1.json", False),
    ("botocore/data/bedrock-runtime/2023-09-30/service-2.json.gz", True),
    ("botocore/data/dynamodb/2012-08-10/service-2.json.gz", False),
    ("botocore/data/cloudfront/2020-05-31/paginators-1.json", False),
    ("boto3/data/s3/2006-03-01/resources-1.json", True),
    ("boto3/data/dynamodb/2012-08-10/resources-1.json", False),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
    ("PySide6/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/translations/qtbase_de.qm", True),  # Qt's buttons in German, beside the program's German
    ("PySide6/Qt/translations/qtbase_fr.qm", False),
    ("PySide6/Qt/translations/qt_de.qm", False),
    ("PySide6/Qt/qml/QtQuick/qmldir", False),
    ("certifi/cacert.pem", True),
])
def test_data_files_kept_or_dropped(dest, kept):
    assert bc.keep_data(dest) is kept


def test_libraries_nothing_links_to_are_pruned_with_their_symlinks():
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/w/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/w/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/w/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/w/libQt6Quick.so.6", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
        ("libpython3.11.so.1.0", "/py/libpython3.11.so.1.0", "BINARY"),  # loaded by the bootloader, kept
        ("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    ]
    needs = {"/w/QtWidgets.abi3.so": {"libQt6Widgets.so.6", "libc.so.6"}, "/w/libQt6Widgets.so.6": {"libQt6Gui.so.6"},
             "/w/libQt6Quick.so.6": {"libQt6Gui.so.6"}}
    kept = bc.prune_unreachable(binaries, lambda src: needs.get(src, set()))
    assert [dest for dest, _src, _kind in kept] == [
        "PySide6/QtWidgets.abi3.so", "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6Gui.so.6",
        "libpython3.11.so.1.0", "libQt6Gui.so.6",
    ]


def test_system_libraries_are_left_to_the_system():
    binaries = [
        ("libX11.so.6", "/lib/x86_64-linux-gnu/libX11.so.6", "BINARY"),
        ("libglib-2.0.so.0", "/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0", "BINARY"),
        ("libpython3.11.so.1.0", "/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0", "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/venv/PySide6/Qt/lib/libQt6Core.so.6", "BINARY"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ]
    assert [dest for dest, _src, _kind in bc.leave_to_system(binaries)] == [
        "libpython3.11.so.1.0", "PySide6/Qt/lib/libQt6Core.so.6", "libQt6Core.so.6",
    ]


def test_symlinks_listed_among_the_data_files_go_when_their_target_goes():
    datas = [("certifi/cacert.pem", "/v/cacert.pem", "DATA"), ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6",
              "SYMLINK"), ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK")]
    binaries = [("PySide6/Qt/lib/libQt6Core.so.6", "/v/libQt6Core.so.6", "BINARY")]
    assert [d for d, _s, _k in bc.without_dangling_symlinks(datas, binaries)] == ["certifi/cacert.pem", "libQt6Core.so.6"]


def test_name_and_version_come_from_pyproject():
    import wizard

    project = bc.project()
    assert (project["name"], project["version"]) == (wizard.APP_NAME, wizard.__version__)


def test_practice_mode_build_keeps_moto_and_the_standard_library():
    default, practice = bc.excluded_modules(False), bc.excluded_modules(True)
    assert {"moto", "werkzeug", "flask", "unittest", "pdb"} <= set(default)
    assert not {"moto", "werkzeug", "flask", "unittest", "pdb"} & set(practice)
    assert "PySide6.QtQml" in practice and "PySide6.QtQml" in default
