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
# The launcher is written below: a change to this script installs it again.
want="$(cat "$here/pom.xml" "$0" | sha256sum | cut -d' ' -f1)"
if [ -x "$launcher" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "$launcher"; exit 0
fi
mkdir -p "$home"
rm -rf "$home/lib.new"
# Maven's own cache (~/.m2) keeps the downloads; the jars are copied into the cache folder.
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$home/lib.new" >&2
rm -rf "$home/lib" && mv "$home/lib.new" "$home/lib"

# The newest Java (17 or later) installed: veraPDF's rules run in Rhino, and a newer JIT
# runs them faster (docs/benchmarks.md: Java 25 ~25 % less CPU than Java 17).
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
java_bin="$(command -v java)"; best="$(java_major "$java_bin")"
for candidate in /usr/lib/jvm/*/bin/java; do
  [ -x "$candidate" ] || continue
  major="$(java_major "$candidate")"
  if [ -n "$major" ] && [ "$major" -gt "${best:-0}" ]; then java_bin="$candidate"; best="$major"; fi
done

cat > "$launcher.new" <<LAUNCHER
#!/bin/sh
# veraPDF command line (installed by LuuTru's scripts/verapdf/install.sh), on Java $best.
# The Greenfield wrapper registers the PDF model before handing over to the CLI.
# Serial GC: one validation thread; the JIT's threads use the other core.
here="\$(dirname "\$(readlink -f "\$0")")"
exec "\${JAVA:-$java_bin}" -XX:+UseSerialGC -Xss4m \${VERAPDF_JAVA_OPTS:-} \\
  -Dfile.encoding=UTF-8 -Dapp.home="\$here" -cp "\$here/lib/*" org.verapdf.apps.GreenfieldCliWrapper "\$@"
LAUNCHER
chmod +x "$launcher.new" && mv "$launcher.new" "$launcher"
"$launcher" --version >/dev/null
echo "$want" > "$stamp"
echo "$launcher"
