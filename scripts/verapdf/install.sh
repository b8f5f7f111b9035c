#!/usr/bin/env bash
# Install the veraPDF command line (version pinned in pom.xml beside this script) from
# Maven Central into a cache folder outside the repository, with a `verapdf` launcher:
#   bash scripts/verapdf/install.sh [DIR]     DIR default: $LUUTRU_VERAPDF_HOME or ~/.cache/luutru/verapdf
# Prints the launcher's path. Re-running with the same pom is a no-op.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${1:-${LUUTRU_VERAPDF_HOME:-$HOME/.cache/luutru/verapdf}}"
launcher="$home/verapdf"
stamp="$home/pom.sha256"
want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [ -x "$launcher" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "$launcher"; exit 0
fi
mkdir -p "$home"
rm -rf "$home/lib.new"
# Maven's own cache (~/.m2) keeps the downloads; the jars are copied into the cache folder.
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$home/lib.new" >&2
rm -rf "$home/lib" && mv "$home/lib.new" "$home/lib"
cat > "$launcher.new" <<'LAUNCHER'
#!/bin/sh
# veraPDF command line (installed by LuuTru's scripts/verapdf/install.sh).
# The Greenfield wrapper registers the PDF model before handing over to the CLI.
# Serial GC and a small heap suit a short batch run on a shared 2-core machine.
here="$(dirname "$(readlink -f "$0")")"
exec "${JAVA:-java}" -XX:+UseSerialGC -Xss4m ${VERAPDF_JAVA_OPTS:-} \
  -Dfile.encoding=UTF-8 -Dapp.home="$here" -cp "$here/lib/*" org.verapdf.apps.GreenfieldCliWrapper "$@"
LAUNCHER
chmod +x "$launcher.new" && mv "$launcher.new" "$launcher"
"$launcher" --version >/dev/null
echo "$want" > "$stamp"
echo "$launcher"
