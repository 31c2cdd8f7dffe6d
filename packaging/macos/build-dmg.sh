#!/usr/bin/env bash
# macOS: build "AWS Connection Wizard.app" (PyInstaller BUNDLE, see the spec) and a compressed .dmg with an
# Applications link. Run on macOS from the repository root, in a venv with `pip install -e ".[package]"`:
#     bash packaging/macos/build-dmg.sh
# Built by .github/workflows/installers.yml on macos-latest; not built on this project's Linux machines.
# Honest limits: the .app is only ad-hoc signed (PyInstaller's default) and not notarized, so Gatekeeper asks the user
# to confirm the first start (right-click > Open). Signing and notarization need an Apple Developer ID.
set -euo pipefail
out=packaging/out
version=$(python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
app="AWS Connection Wizard.app"

python -m PyInstaller --noconfirm --clean --distpath "$out/dist" --workpath "$out/build" packaging/aws-connection-wizard.spec
"$out/dist/$app/Contents/MacOS/aws-connection-wizard" --self-test || [ $? -eq 3 ]  # 3: no keychain on a CI runner

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$out/dist/$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$out/aws-connection-wizard-$version.dmg"
hdiutil create -volname "AWS Connection Wizard" -srcfolder "$staging" -fs HFS+ -format UDZO -ov \
  "$out/aws-connection-wizard-$version.dmg"
echo "$out/aws-connection-wizard-$version.dmg"
