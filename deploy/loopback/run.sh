#!/usr/bin/env bash
# The platform as separate processes on 127.0.0.1 (DESIGN.md "Distributed", on one machine): a
# broker process (salesd hosting no context: the embedded Kafka broker alone), the org, leads,
# channels, orders and incentives contexts each in its own process (leads reads the org through
# the org process's EventFeed; channels reads the org and the leads; orders the org, the leads and
# the channels; incentives the org, the orders and the leads), and the read side (funnel,
# performance and audit) in a seventh, fed by all five. Each process has its own data directory
# and its own gRPC and /metrics ports.
#
#   deploy/loopback/run.sh [--dir DIR] [--bin BUILD_DIR] [--demo]
#
# --dir  where the processes keep their data and logs (default: a new temp dir)
# --bin  the build directory holding the binaries (default: ./build)
# --demo seed each context's process with its demo data
#
# When every process is up it prints their addresses and writes them to DIR/addresses.env
# (BROKER_KAFKA, ORG_GRPC, LEADS_GRPC, CHANNELS_GRPC, ORDERS_GRPC, INCENTIVES_GRPC, READ_GRPC, …
# assignments). Ctrl-C or SIGTERM stops them
# all, the read side first. A process that fails to start stops the rest; its log is printed.
set -euo pipefail

dir="" bin="build" demo=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --demo) demo=true; shift ;;
    *) echo "usage: $0 [--dir DIR] [--bin BUILD_DIR] [--demo]" >&2; exit 2 ;;
  esac
done
[[ -n "$dir" ]] || dir=$(mktemp -d /tmp/sales-loopback.XXXXXX)
mkdir -p "$dir"
for binary in services/salesd/salesd services/org/org services/leads/leads \
  services/channels/channels services/orders/orders services/incentives/incentives \
  services/projections/projections; do
  [[ -x "$bin/$binary" ]] || { echo "$0: $bin/$binary is missing (tools/build.sh)" >&2; exit 1; }
done

pids=()
stop_all() {
  # Reverse start order: the read side, then the contexts, then the broker.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

# start NAME COMMAND…: runs a process with its output in DIR/NAME.log and waits for its banner.
start() {
  local name="$1"; shift
  "$@" >"$dir/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    grep -q "running; Ctrl-C stops it" "$dir/$name.log" && return 0
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "$0: $name did not start:" >&2; cat "$dir/$name.log" >&2; exit 1
    fi
    sleep 0.1
  done
  echo "$0: $name did not start within 30 s:" >&2; cat "$dir/$name.log" >&2; exit 1
}
# field NAME LABEL: the address a process's banner prints after LABEL ("gRPC", "Kafka", "metrics").
field() { sed -n "s/^[a-z]*: $2 *\([^ ]*\).*/\1/p" "$dir/$1.log" | head -n 1; }

start broker "$bin/services/salesd/salesd" --contexts= --data_dir="$dir/broker" \
  --grpc_port=0 --http_port=0
kafka=$(field broker Kafka)
start org "$bin/services/org/org" --kafka_brokers="$kafka" --data_dir="$dir/org" \
  --grpc_port=0 --http_port=0 --demo_data="$demo"
org_grpc=$(field org gRPC)
start leads "$bin/services/leads/leads" --kafka_brokers="$kafka" --data_dir="$dir/leads" \
  --peers="org=$org_grpc" --grpc_port=0 --http_port=0 --demo_data="$demo"
leads_grpc=$(field leads gRPC)
start channels "$bin/services/channels/channels" --kafka_brokers="$kafka" \
  --data_dir="$dir/channels" --peers="org=$org_grpc,leads=$leads_grpc" --grpc_port=0 \
  --http_port=0 --demo_data="$demo"
channels_grpc=$(field channels gRPC)
start orders "$bin/services/orders/orders" --kafka_brokers="$kafka" --data_dir="$dir/orders" \
  --peers="org=$org_grpc,leads=$leads_grpc,channels=$channels_grpc" --grpc_port=0 \
  --http_port=0 --demo_data="$demo"
orders_grpc=$(field orders gRPC)
start incentives "$bin/services/incentives/incentives" --kafka_brokers="$kafka" \
  --data_dir="$dir/incentives" --peers="org=$org_grpc,leads=$leads_grpc,orders=$orders_grpc" \
  --grpc_port=0 --http_port=0 --demo_data="$demo"
incentives_grpc=$(field incentives gRPC)
start read "$bin/services/projections/projections" --kafka_brokers="$kafka" \
  --peers="org=$org_grpc,leads=$leads_grpc,channels=$channels_grpc,orders=$orders_grpc,incentives=$incentives_grpc" \
  --data_dir="$dir/read" --grpc_port=0 --http_port=0

cat >"$dir/addresses.env" <<ENV
BROKER_KAFKA=$kafka
BROKER_GRPC=$(field broker gRPC)
ORG_GRPC=$org_grpc
LEADS_GRPC=$leads_grpc
LEADS_METRICS=$(field leads metrics)
CHANNELS_GRPC=$channels_grpc
CHANNELS_METRICS=$(field channels metrics)
ORDERS_GRPC=$orders_grpc
ORDERS_METRICS=$(field orders metrics)
INCENTIVES_GRPC=$incentives_grpc
INCENTIVES_METRICS=$(field incentives metrics)
READ_GRPC=$(field read gRPC)
READ_METRICS=$(field read metrics)
ENV
echo "loopback: broker    Kafka $kafka   (kcat -b $kafka -L)"
echo "loopback: org       gRPC  $org_grpc   (OrgService, EventFeed)"
echo "loopback: leads     gRPC  $leads_grpc   (LeadService, EventFeed)"
echo "loopback: channels  gRPC  $channels_grpc   (ChannelService, EventFeed)"
echo "loopback: orders    gRPC  $orders_grpc   (OrderService, EventFeed)"
echo "loopback: incentives gRPC $incentives_grpc   (IncentiveService, EventFeed)"
echo "loopback: read side gRPC  $(field read gRPC)   (FunnelService, PerformanceService, AuditService, ProjectionAdmin)"
echo "loopback: data and logs in $dir; addresses in $dir/addresses.env"
echo "loopback: try       $bin/tools/salesctl/salesctl --server $org_grpc org show"
echo "loopback:           $bin/tools/salesctl/salesctl --server $leads_grpc leads list"
echo "loopback:           $bin/tools/salesctl/salesctl --server $channels_grpc channels conflicts"
echo "loopback:           $bin/tools/salesctl/salesctl --server $orders_grpc orders list"
echo "loopback:           $bin/tools/salesctl/salesctl --server $incentives_grpc commissions statement huang.lan"
echo "loopback:           $bin/tools/salesctl/salesctl --server $(field read gRPC) funnel show --last 30 --by team"
echo "loopback:           $bin/tools/salesctl/salesctl --server $(field read gRPC) performance show --last 30 --by rep"
echo "loopback: running; Ctrl-C stops every process"
wait
