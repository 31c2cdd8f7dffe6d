"""Build the Debian package from the frozen program (the PyInstaller one-folder output).

Layout of the package:

    /opt/aws-connection-wizard/                    the frozen program (add-on software: FHS puts it under /opt)
    /usr/bin/aws-connection-wizard                 relative symlink to ../../opt/aws-connection-wizard/aws-connection-wizard
    /usr/share/applications/<app id>.desktop
    /usr/share/icons/hicolor/{scalable,NxN}/apps/<app id>.{svg,png}   PNGs rendered from the SVG at build time
    /usr/share/metainfo/<app id>.metainfo.xml
    /usr/share/doc/aws-connection-wizard/{copyright,changelog.Debian.gz}
    /usr/share/lintian/overrides/aws-connection-wizard                why the /opt layout and bundled libraries

Depends is computed by dpkg-shlibdeps from every ELF file in the bundle: what the bundle leaves to the system (X11/xcb,
fontconfig, GLib, D-Bus, OpenSSL, ...) becomes a dependency; what it carries (Python, Qt, ICU) does not.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_contents as bc  # noqa: E402

PACKAGE = "aws-connection-wizard"
REVISION = "1"
MAINTAINER = "AWS Connection Wizard developers <maintainers@awsconnectionwizard.invalid>"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
INSTALL_DIR = Path("opt") / PACKAGE


def build(dist_dir: Path, out_dir: Path) -> Path:
    """Stage the package tree under out_dir/deb-root and build out_dir/<package>_<version>_<arch>.deb."""
    project = bc.project()
    version = f"{project['version']}-{REVISION}"
    arch = _output(["dpkg", "--print-architecture"]).strip()
    root = out_dir / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    _stage_program(dist_dir, root)
    _stage_desktop_integration(root)
    _stage_docs(root, version)
    depends = shlib_depends(root)
    _write_control(root, project, version, arch, depends)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    subprocess.run(["fakeroot", "dpkg-deb", "--root-owner-group", "-Zxz", "-z9", "-Sextreme", "--build", str(root),
                    str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb


def _output(cmd: list[str], **kw) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def _stage_program(dist_dir: Path, root: Path) -> None:
    target = root / INSTALL_DIR
    shutil.copytree(dist_dir, target, symlinks=True)
    for path in target.rglob("*"):  # dpkg wants 0755 directories and executables, 0644 everything else
        if path.is_symlink():
            continue
        if path.is_dir() or _is_executable_file(path):
            path.chmod(0o755)
        else:
            path.chmod(0o644)
    (target / PACKAGE).chmod(0o755)
    drop_build_machine_runpaths(target)
    link = root / "usr" / "bin" / PACKAGE
    link.parent.mkdir(parents=True)
    link.symlink_to(Path("../..") / INSTALL_DIR / PACKAGE)


def drop_build_machine_runpaths(tree: Path) -> None:
    """Remove RUNPATH entries that name a directory of the build machine (e.g. the Python it was built with).

    Only $ORIGIN-relative entries (the bundle's own layout, as PySide6 uses them) are kept.
    """
    for path in elf_files(tree):
        runpath = _output(["patchelf", "--print-rpath", str(path)]).strip()
        if not runpath:
            continue
        kept = [entry for entry in runpath.split(":") if entry.startswith("$ORIGIN")]
        if kept == runpath.split(":"):
            continue
        if kept:
            subprocess.run(["patchelf", "--set-rpath", ":".join(kept), str(path)], check=True)
        else:
            subprocess.run(["patchelf", "--remove-rpath", str(path)], check=True)


def _is_executable_file(path: Path) -> bool:
    """Programs only: shared libraries need no execute bit (lintian flags it), Python extensions neither."""
    return path.name == PACKAGE and path.parent.name == PACKAGE


def _stage_desktop_integration(root: Path) -> None:
    share = root / "usr" / "share"
    _copy(bc.RESOURCES / f"{bc.APP_ID}.desktop", share / "applications" / f"{bc.APP_ID}.desktop")
    _copy(bc.RESOURCES / f"{bc.APP_ID}.metainfo.xml", share / "metainfo" / f"{bc.APP_ID}.metainfo.xml")
    svg = bc.RESOURCES / "icons" / f"{bc.APP_ID}.svg"
    hicolor = share / "icons" / "hicolor"
    _copy(svg, hicolor / "scalable" / "apps" / f"{bc.APP_ID}.svg")
    for size in ICON_SIZES:
        png = hicolor / f"{size}x{size}" / "apps" / f"{bc.APP_ID}.png"
        png.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), str(svg), "-o", str(png)], check=True)
        png.chmod(0o644)
    _copy(Path(__file__).with_name("lintian-overrides"), share / "lintian" / "overrides" / PACKAGE)
    man = share / "man" / "man1" / f"{PACKAGE}.1.gz"
    man.parent.mkdir(parents=True)
    man.write_bytes(_gzip(Path(__file__).with_name(f"{PACKAGE}.1").read_bytes()))
    man.chmod(0o644)


def _copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    dest.chmod(0o644)


def _stage_docs(root: Path, version: str) -> None:
    doc = root / "usr" / "share" / "doc" / PACKAGE
    _copy(Path(__file__).with_name("copyright"), doc / "copyright")
    changelog = (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        f"  * Release {version.split('-')[0]}.\n\n"
        f" -- {MAINTAINER}  {_release_date()}\n"
    )
    (doc / "changelog.Debian.gz").write_bytes(_gzip(changelog.encode()))
    (doc / "changelog.Debian.gz").chmod(0o644)


def _gzip(data: bytes) -> bytes:
    """gzip -9n: no name, no time stamp (reproducible, as lintian wants)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buffer.getvalue()


def _release_date() -> str:
    """The build time in RFC 2822 form (SOURCE_DATE_EPOCH for reproducible builds)."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0")) or int(dt.datetime.now(dt.timezone.utc).timestamp())
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


def elf_files(tree: Path) -> list[Path]:
    """Every ELF file (program, shared library, Python extension) under `tree`, symlinks excluded."""
    found = []
    for path in sorted(tree.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def shlib_depends(root: Path) -> str:
    """The Depends line dpkg-shlibdeps computes for the bundle's ELF files (libraries inside the bundle excluded)."""
    program = root / INSTALL_DIR
    private_dirs = sorted({str(p.parent) for p in elf_files(program)})
    work = root.parent / "shlibdeps"
    if work.exists():
        shutil.rmtree(work)
    (work / "debian").mkdir(parents=True)
    (work / "debian" / "control").write_text(
        f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n"
    )
    cmd = ["dpkg-shlibdeps", "-O", "--ignore-missing-info", f"-S{root}", *(f"-l{d}" for d in private_dirs),
           *(f"-e{p}" for p in elf_files(program))]
    result = subprocess.run(cmd, cwd=work, check=True, capture_output=True, text=True)
    (root.parent / "shlibdeps.log").write_text(result.stderr)  # warnings about bundled libraries, for the curious
    out = result.stdout
    for line in out.splitlines():
        if line.startswith("shlibs:Depends="):
            return line.partition("=")[2]
    raise RuntimeError(f"dpkg-shlibdeps gave no Depends: {out!r}")


def installed_size_kib(root: Path) -> int:
    """Installed-Size as dpkg counts it: KiB, each file rounded up, directories and symlinks one each."""
    total = 0
    for path in root.rglob("*"):
        if path.relative_to(root).parts[0] == "DEBIAN":
            continue
        total += 1 if path.is_dir() or path.is_symlink() else (path.stat().st_size + 1023) // 1024
    return total


def _write_control(root: Path, project: dict, version: str, arch: str, depends: str) -> None:
    control_dir = root / "DEBIAN"
    control_dir.mkdir()
    long_description = (
        " Walks an administrator through connecting a workstation or an EC2 instance to\n"
        " Amazon Web Services (access key, assumed role, or a role in another account),\n"
        " tests each connection step by step, explains failures, and keeps secrets in\n"
        " the desktop keychain (Secret Service). Includes a command line for scripts.\n"
    )
    control = (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_size_kib(root)}\n"
        f"Depends: {depends}\n"
        "Recommends: gnome-keyring | kwalletmanager\n"
        "Section: admin\n"
        "Priority: optional\n"
        f"Homepage: {project['urls']['Homepage']}\n"
        "Description: set up tested AWS connections, secrets in the OS keychain\n"
        f"{long_description}"
    )
    (control_dir / "control").write_text(control)
    sums = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.relative_to(root).parts[0] != "DEBIAN":
            sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(root)}\n")
    (control_dir / "md5sums").write_text("".join(sums))
    for name in ("control", "md5sums"):
        (control_dir / name).chmod(0o644)
