#!/usr/bin/env bash
# Rebuilds the web app's bundled fonts from the npm registry (the app never loads anything from a CDN).
# The files are committed under siyada/ui/static/fonts; this script is how they were made.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
(cd "$work" && npm pack -q @fontsource/noto-sans-tifinagh@5.3.0 @fontsource/noto-sans-arabic@5.3.0 >/dev/null)
for pkg in "$work"/*.tgz; do tar -xzf "$pkg" -C "$work"; mv "$work/package" "${pkg%.tgz}"; done
out=siyada/ui/static/fonts
cp "$work"/fontsource-noto-sans-tifinagh-5.3.0/files/noto-sans-tifinagh-tifinagh-400-normal.woff2 "$out/"
for w in 400 700; do
  cp "$work"/fontsource-noto-sans-arabic-5.3.0/files/noto-sans-arabic-arabic-$w-normal.woff2 "$out/"
done
cp "$work"/fontsource-noto-sans-tifinagh-5.3.0/LICENSE "$out/OFL.txt"
rm -rf "$work"
ls -l "$out"
