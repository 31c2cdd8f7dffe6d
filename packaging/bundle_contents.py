"""What goes into the frozen program, as data: the spec, the Debian builder and the packaging tests all read it.

Kept small on purpose. The program calls only a handful of AWS services, so only their botocore models ship; Qt
ships only the modules and plugins a widgets application on X11 needs; practice mode's emulator (moto and its web
stack) stays out of the frozen program and is available from the source install (`./dev run --practice`).
"""

from __future__ import annotations

import os
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "io.github.awsconnectionwizard.AwsConnectionWizard"
RESOURCES = ROOT / "resources"

# botocore service models the program loads: the services it tests (wizard/core/probes.py), STS and IAM (identity,
# assume-role, validation limits), and the ones botocore's own credential chain may create a client for
# (SSO profiles, `aws login` sessions).
BOTOCORE_SERVICES = (
    "sts", "iam", "s3", "ec2", "workspaces", "bedrock-runtime",  # the program's own calls
    "sso", "sso-oidc", "signin",  # botocore credential providers
)
# Files at the top of botocore/data that botocore reads when a session or client is created.
BOTOCORE_TOP_FILES = ("endpoints.json", "partitions.json", "sdk-default-configuration.json", "_retry.json")
# Never read at run time (documentation examples).
BOTOCORE_DROP_SUFFIXES = ("examples-1.json",)

# Qt plugins kept, by "<category>/<file name>". Everything else under PySide6/Qt/plugins is dropped.
QT_PLUGINS = (
    "platforms/libqxcb.so",  # X11 (and XWayland)
    "platforms/libqoffscreen.so",  # --self-test and headless checks
    "platforminputcontexts/libcomposeplatforminputcontextplugin.so",  # dead keys / compose
    "platforminputcontexts/libibusplatforminputcontextplugin.so",
    "platformthemes/libqxdgdesktopportal.so",  # desktop portal (needs only D-Bus, already linked)
    "imageformats/libqsvg.so",
    "iconengines/libqsvgicon.so",
    # Windows and macOS equivalents (the same rule applies to their builds)
    "platforms/qwindows.dll", "platforms/qoffscreen.dll", "imageformats/qsvg.dll", "iconengines/qsvgicon.dll",
    "styles/qmodernwindowsstyle.dll",
    "platforms/libqcocoa.dylib", "platforms/libqoffscreen.dylib", "imageformats/libqsvg.dylib",
    "iconengines/libqsvgicon.dylib", "styles/libqmacstyle.dylib",
)
# Qt translations kept: Qt's own words (Weiter, Abbrechen...) in the languages the program speaks (its catalogues in
# wizard/resources/translations); the others would only mix Qt's buttons into an English window. qtbase_de is 0.2 MB.
QT_TRANSLATION_PREFIXES: tuple[str, ...] = ("qtbase_de",)

# Python modules the program never uses at run time but that PyInstaller would pull in through optional imports.
EXCLUDED_MODULES = (
    # _statistics and _uuid are optional accelerators their modules can do without; they link no libc (lintian error)
    "_statistics", "_uuid",
    "tkinter", "unittest", "pydoc", "doctest", "pdb", "lib2to3", "setuptools", "pkg_resources", "pip",
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtTest", "PySide6.QtSql", "PySide6.QtPrintSupport",
    "PySide6.QtConcurrent", "PySide6.QtXml", "PySide6.QtHelp",
    "moto", "werkzeug", "flask", "flask_cors", "responses", "jinja2", "docker", "cfnlint", "sympy", "networkx",
    "pydantic", "pytest", "_pytest", "pytestqt", "awscrt", "awscli", "IPython", "parliament", "trustme",
)

# Practice mode's emulator in the frozen program (AWSCW_FROZEN_PRACTICE=1 only; see packaging/README.md for the sizes):
# moto's core and server, the backends practice mode uses, and their web stack.
PRACTICE_MOTO_PACKAGES = (
    "moto.core", "moto.utilities", "moto.moto_server", "moto.moto_api", "moto.iam", "moto.sts", "moto.s3",
    "moto.ec2", "moto.workspaces", "moto.bedrock", "moto.bedrockruntime", "moto.instance_metadata",
)


def excluded_modules(practice: bool) -> list[str]:
    """EXCLUDED_MODULES; with practice mode, moto's web stack and the standard library stay in (moto uses unittest,
    pdb, doctest... at import time)."""
    if not practice:
        return list(EXCLUDED_MODULES)
    return [m for m in EXCLUDED_MODULES if m.startswith("PySide6.") or m in ("tkinter", "pytest", "_pytest", "awscli")]

# Imported by name at run time (entry points, platform checks), so PyInstaller can't see them.
HIDDEN_IMPORTS = (
    "keyring.backends.SecretService", "keyring.backends.kwallet", "keyring.backends.macOS",
    "keyring.backends.Windows", "keyring.backends.chainer", "keyring.backends.fail",
    "secretstorage", "jeepney", "jeepney.io.blocking",
    "win32ctypes.pywin32.win32cred",  # keyring's Windows backend (installed with keyring on Windows only)
)


def project() -> dict:
    """name, version and description from pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def keep_data(dest: str) -> bool:
    """Whether a data file collected by PyInstaller (its path inside the bundle) is kept."""
    parts = Path(dest).parts
    if parts[:2] == ("botocore", "data"):
        if len(parts) == 3:
            return parts[2] in BOTOCORE_TOP_FILES
        return parts[2] in BOTOCORE_SERVICES and not dest.endswith(BOTOCORE_DROP_SUFFIXES)
    if parts[:2] == ("boto3", "data"):
        return len(parts) > 2 and parts[2] in BOTOCORE_SERVICES
    return keep_qt_file(dest)


def keep_qt_file(dest: str) -> bool:
    """Whether a file under PySide6's Qt tree (a plugin, a translation) is kept; anything else passes.

    Linux and macOS wheels put Qt under PySide6/Qt/, Windows wheels directly under PySide6/.
    """
    parts = Path(dest).parts
    if not parts or parts[0] != "PySide6":
        return True
    qt = parts[2:] if parts[1:2] == ("Qt",) else parts[1:]
    if qt[:1] == ("plugins",):
        return "/".join(qt[1:]) in QT_PLUGINS
    if qt[:1] == ("translations",):
        return bool(QT_TRANSLATION_PREFIXES) and qt[-1].startswith(QT_TRANSLATION_PREFIXES)
    return qt[:1] not in (("qml",), ("metatypes",))


SYSTEM_LIBRARY_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")


def _is_library(dest: str, kind: str) -> bool:
    """A shared library PyInstaller collected as a dependency (not an extension module, not libpython)."""
    if kind != "BINARY" or Path(dest).name.startswith("libpython"):
        return False
    return "/" not in dest or Path(dest).parts[:3] == ("PySide6", "Qt", "lib")


def prune_unreachable(binaries, imports_of):
    """Drop dependency libraries that no kept binary links to (DT_NEEDED closure), and symlinks to dropped files.

    `binaries` are PyInstaller (dest, src, typecode) entries; `imports_of(src)` returns the sonames a file links to.
    Filtering plugins out leaves behind the libraries only they needed (Qt Quick, Wayland, GTK...); this drops them.
    """
    files = [entry for entry in binaries if entry[2] != "SYMLINK"]
    by_name = {Path(dest).name: (dest, src, kind) for dest, src, kind in files}
    todo = [entry for entry in files if not _is_library(entry[0], entry[2])]
    reached = {entry[0] for entry in todo}
    while todo:
        _dest, src, _kind = todo.pop()
        for soname in imports_of(src):
            entry = by_name.get(soname)
            if entry and entry[0] not in reached:
                reached.add(entry[0])
                todo.append(entry)
    return _with_symlinks(binaries, reached)


def leave_to_system(binaries):
    """Drop the libraries PyInstaller copied from the system's library directories (libX11, glib, fontconfig...).

    The Debian package depends on them instead (dpkg-shlibdeps computes which packages), so they get the system's
    security updates. Kept: the Python runtime, Qt and ICU from the PySide6 wheel, and the Python packages' own libraries.
    """
    kept = {dest for dest, src, kind in binaries if kind != "SYMLINK" and not str(src).startswith(SYSTEM_LIBRARY_DIRS)}
    return _with_symlinks(binaries, kept)


def _with_symlinks(binaries, kept_files: set[str]):
    return [entry for entry in binaries if (_link_target(entry) if entry[2] == "SYMLINK" else entry[0]) in kept_files]


def without_dangling_symlinks(toc, *kept_tocs):
    """`toc` less its SYMLINK entries whose target is no longer collected (PyInstaller lists some among the datas)."""
    files = {dest for kept in (toc, *kept_tocs) for dest, _src, kind in kept if kind != "SYMLINK"}
    return [entry for entry in toc if entry[2] != "SYMLINK" or _link_target(entry) in files]


def _link_target(entry) -> str:
    dest, target, _kind = entry
    return os.path.normpath(os.path.join(os.path.dirname(dest), target))
