#!/usr/bin/env bash
# Runs one Elasticsearch node in the foreground from a home made by install.sh:
#   ES_HOME=... bash scripts/elasticsearch/node.sh DIR HTTP_PORT TRANSPORT_PORT [setting=value...]
# Data, logs and temp files go under DIR. Loopback only, single-node discovery. Stop it with
# SIGTERM to its process group. As root the node runs as ES_USER (default nobody): Elasticsearch
# refuses to run as root. ES_HEAP sets -Xms/-Xmx (default 512m).
set -euo pipefail
dir=$1 http_port=$2 transport_port=$3; shift 3
home=${ES_HOME:?ES_HOME: an Elasticsearch home made by scripts/elasticsearch/install.sh}
heap=${ES_HEAP:-512m}
mkdir -p "$dir/data" "$dir/logs" "$dir/tmp"
as_user=()
if [ "$(id -u)" = 0 ]; then
  user=${ES_USER:-nobody}
  chown -R "$user" "$dir"
  as_user=(setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups)
fi
bridge=$(ls "$home"/lib/entitlement-bridge/*.jar)
# The server reads its settings from standard input, then treats the end of that stream as
# "stop": the settings are followed by a stream that never ends.
{
  java -cp "$home/lib/*:$home/lib/launcher/*" ServerArgsWriter "$home/config" "$dir/logs" \
    path.home="$home" path.data="$dir/data" path.logs="$dir/logs" \
    cluster.name=luutru node.name=luutru-node network.host=127.0.0.1 \
    http.port="$http_port" transport.port="$transport_port" discovery.type=single-node \
    cluster.routing.allocation.disk.threshold_enabled=false "$@"
  exec tail -f /dev/null
} | exec "${as_user[@]}" env LIBFFI_TMPDIR="$dir/tmp" java -Xms"$heap" -Xmx"$heap" -Xss1m \
  -Des.path.home="$home" -Des.path.conf="$home/config" -Des.distribution.type=tar \
  -Djava.io.tmpdir="$dir/tmp" -Djava.security.manager=allow -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
  -Djna.nosys=true -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
  -Dio.netty.recycler.maxCapacityPerThread=0 -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true \
  -Dlog4j2.formatMsgNoLookups=true -Djava.locale.providers=CLDR -XX:-OmitStackTraceInFastThrow \
  -XX:+EnableDynamicAgentLoading -Djdk.attach.allowAttachSelf=true \
  --patch-module=java.base="$bridge" \
  --add-exports=java.base/org.elasticsearch.entitlement.bridge=org.elasticsearch.entitlement,java.logging,java.net.http,java.naming,jdk.net \
  --module-path "$home/lib" --add-modules=jdk.net --add-modules=ALL-MODULE-PATH \
  -m org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch
