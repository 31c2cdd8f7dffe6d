"""The Debian package passes the checks of Debian's own tools and has the promised layout."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.packaging.conftest import BUILD_TIMEOUT, load_packaging_module

bc = load_packaging_module("bundle_contents")
pytestmark = [pytest.mark.integration, pytest.mark.timeout(BUILD_TIMEOUT + 600)]
APP_ID = bc.APP_ID


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


def test_lintian_reports_no_errors(built_package):
    result = _run(["lintian", "--no-cfg", "--display-info", str(built_package.deb)])
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("E: ")]
    assert not errors, "\n".join(errors)
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(line.startswith(("W: ", "I: ")) for line in lines), "lintian checked nothing?"
    print("\n".join(line for line in lines if line.startswith("W: ")))  # shown with -rP: the accepted warnings


def test_desktop_file_passes_desktop_file_validate(built_package):
    desktop = built_package.root / "usr" / "share" / "applications" / f"{APP_ID}.desktop"
    result = _run(["desktop-file-validate", str(desktop)])
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_passes_appstreamcli_validate(built_package):
    metainfo = built_package.root / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    result = _run(["appstreamcli", "validate", "--no-net", str(metainfo)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation was successful" in result.stdout


def test_program_lives_under_opt_with_a_relative_link_in_usr_bin(built_package):
    link = built_package.program
    assert link.is_symlink()
    assert os.readlink(link) == "../../opt/aws-connection-wizard/aws-connection-wizard"
    assert link.resolve() == (built_package.bundle / "aws-connection-wizard").resolve()
    assert os.access(link.resolve(), os.X_OK)


def test_icons_desktop_file_metainfo_and_docs_are_installed(built_package):
    share = built_package.root / "usr" / "share"
    hicolor = share / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256):
        png = hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        out = subprocess.run(["identify", "-format", "%w %h", str(png)], capture_output=True, text=True, check=True)
        assert out.stdout == f"{size} {size}"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    doc = share / "doc" / "aws-connection-wizard"
    assert (doc / "copyright").read_text().startswith("Format: https://www.debian.org/doc/packaging-manuals/")
    assert (doc / "changelog.Debian.gz").is_file()
    assert (share / "man" / "man1" / "aws-connection-wizard.1.gz").is_file()


def _field(deb, name: str) -> str:
    return _run(["dpkg-deb", "--field", str(deb), name]).stdout.strip()


def test_depends_lists_what_the_bundle_leaves_to_the_system(built_package):
    depends = {item.split()[0] for item in _field(built_package.deb, "Depends").split(", ")}
    # X11/xcb, fonts, D-Bus and OpenSSL come from Debian; Qt, ICU and Python are inside the bundle.
    assert {"libc6", "libxcb1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3", "libssl3"} <= depends
    assert not any(name.startswith(("libqt6", "libicu", "libpython")) for name in depends)
    internal = built_package.bundle / "_internal"
    assert not list(internal.glob("libX11*")) and not list(internal.glob("libglib*"))
    assert list(internal.glob("libpython3*")) and list((internal / "PySide6" / "Qt" / "lib").glob("libicudata*"))


def test_installed_size_matches_the_files(built_package):
    installed_kib = int(_field(built_package.deb, "Installed-Size"))
    files_kib = sum(p.stat().st_size for p in built_package.root.rglob("*") if p.is_file() and not p.is_symlink()) / 1024
    assert files_kib <= installed_kib <= files_kib * 1.05 + 1024


def test_bundle_carries_only_the_botocore_models_it_uses_and_no_emulator(built_package):
    internal = built_package.bundle / "_internal"
    services = {p.name for p in (internal / "botocore" / "data").iterdir() if p.is_dir()}
    assert services == set(bc.BOTOCORE_SERVICES)
    assert not (internal / "moto").exists() and not (internal / "werkzeug").exists()
    plugins = internal / "PySide6" / "Qt" / "plugins"
    shipped = {str(p.relative_to(plugins)) for p in plugins.rglob("*.so")}
    assert shipped <= set(bc.QT_PLUGINS) and "platforms/libqxcb.so" in shipped


def test_bundle_has_no_runpath_to_the_build_machine(built_package):
    deb = load_packaging_module("deb")
    for path in deb.elf_files(built_package.bundle):
        runpath = _run(["patchelf", "--print-rpath", str(path)]).stdout.strip()
        assert all(entry.startswith("$ORIGIN") for entry in runpath.split(":") if entry), f"{path}: {runpath}"
