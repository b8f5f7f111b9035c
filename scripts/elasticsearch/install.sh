#!/usr/bin/env bash
# Lays out a runnable Elasticsearch home from Maven Central (server + transport-netty4):
#   bash scripts/elasticsearch/install.sh          -> prints the home it made (or found complete)
#   bash scripts/elasticsearch/install.sh --check  -> prints it if complete, else fails
# Downloads stay in ~/.m2. The home is in /var/cache/luutru when run as root (the node itself
# runs as an unprivileged user and must read it), else ~/.cache/luutru; LUUTRU_ELASTICSEARCH_HOME
# overrides. Pieces the distribution has but Maven Central lacks are the small Java files beside
# this script: the server's argument writer, the entitlement agent, a no-console loader and the
# asciifolding filter (analysis-common is not published for 8.x).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version=$(sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' "$here/pom.xml")
if [ -n "${LUUTRU_ELASTICSEARCH_HOME:-}" ]; then home="$LUUTRU_ELASTICSEARCH_HOME"
elif [ "$(id -u)" = 0 ]; then home="/var/cache/luutru/elasticsearch-$version"
else home="${XDG_CACHE_HOME:-$HOME/.cache}/luutru/elasticsearch-$version"; fi
stamp="$home/.installed-$(cat "$here"/pom.xml "$here"/*.java "$here"/console/*.java "$here"/log4j2.properties | sha256sum | cut -c1-16)"
if [ -f "$stamp" ]; then echo "$home"; exit 0; fi
[ "${1:-}" = --check ] && { echo "Elasticsearch is not installed in $home: bash $0" >&2; exit 1; }

echo "==> Elasticsearch $version from Maven Central into $home" >&2
rm -rf "$home"; mkdir -p "$home"
stage="$home/.stage"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$stage" >&2
mkdir -p "$home"/{lib/tools/ansi-console,lib/entitlement-agent,lib/entitlement-bridge,lib/launcher,modules/transport-netty4,plugins/luutru-analysis,config,build}
for jar in "$stage"/*.jar; do
  case "$(basename "$jar")" in
    transport-netty4-*|netty-*) mv "$jar" "$home/modules/transport-netty4/" ;;
    elasticsearch-entitlement-bridge-*) mv "$jar" "$home/lib/entitlement-bridge/" ;;
    *) mv "$jar" "$home/lib/" ;;
  esac
done
netty=$(ls "$home"/modules/transport-netty4/transport-netty4-*.jar)
python3 - "$netty" "$home/modules/transport-netty4" <<'PY'   # the module's descriptor and policy
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as jar:
    for name in ("plugin-descriptor.properties", "entitlement-policy.yaml"):
        open(f"{sys.argv[2]}/{name}", "wb").write(jar.read(f"META-INF/es-plugins/transport-netty4/{name}"))
PY

b="$home/build"
javac -nowarn -d "$b/launcher" -cp "$home/lib/*" "$here/ServerArgsWriter.java"
jar cf "$home/lib/launcher/luutru-server-args.jar" -C "$b/launcher" .
javac -nowarn -d "$b/agent" "$here/EntitlementAgent.java"
printf 'Agent-Class: EntitlementAgent\nCan-Redefine-Classes: true\nCan-Retransform-Classes: true\n' > "$b/agent.mf"
jar cfm "$home/lib/entitlement-agent/luutru-entitlement-agent.jar" "$b/agent.mf" -C "$b/agent" .
javac -nowarn -d "$b/console" "$here/console/AnsiConsoleLoader.java"
jar cf "$home/lib/tools/ansi-console/luutru-no-console.jar" -C "$b/console" .
javac -nowarn -d "$b/analysis" -cp "$home/lib/*" "$here/AsciiFoldingFactory.java"
jar cf "$home/plugins/luutru-analysis/luutru-analysis.jar" -C "$b/analysis" .
cat > "$home/plugins/luutru-analysis/stable-plugin-descriptor.properties" <<PROPS
description=asciifolding token filter (analysis-common's, which Maven Central lacks for 8.x)
version=$version
name=luutru-analysis
java.version=17
elasticsearch.version=$version
PROPS
echo '{"org.elasticsearch.plugin.analysis.TokenFilterFactory": {"asciifolding": "vn.luutru.elasticsearch.AsciiFoldingFactory"}}' \
  > "$home/plugins/luutru-analysis/named_components.json"
cp "$here/log4j2.properties" "$home/config/"
touch "$home/config/elasticsearch.yml"
rm -rf "$stage" "$b"
chmod -R a+rX "$home"
touch "$stamp"
echo "$home"
