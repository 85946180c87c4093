#!/usr/bin/env bash
# Load benchmark of aicrd on loopback, against nginx serving the same bytes.
#
#   bench/load_bench.sh AICRD [REQUESTS]
#
# 1. Throughput and p99 latency of `GET /v1/recipe` (rate limiting off) as a
#    ratio to nginx serving the identical response body as a static file, both
#    measured with wrk in the same run, interleaved, best of the rounds.
# 2. Robustness: REQUESTS (default 100000) mixed valid and invalid requests on
#    keep-alive connections; every request must be answered (no socket errors,
#    the server's own request counter agrees) and the resident set must stay
#    flat. Exits non-zero when either fails.
#
# LOAD_SECONDS (5), LOAD_CONNECTIONS (16), LOAD_ROUNDS (2) tune part 1.
set -euo pipefail

aicrd=${1:?usage: load_bench.sh AICRD [REQUESTS]}
requests=${2:-100000}
seconds=${LOAD_SECONDS:-5}
connections=${LOAD_CONNECTIONS:-16}
rounds=${LOAD_ROUNDS:-2}
# Resident-set growth over the robustness run that still counts as flat.
readonly kRssSlackKib=8192

for tool in wrk nginx curl; do
  command -v "${tool}" >/dev/null || {
    echo "load_bench: ${tool} not found (run make deps)" >&2
    exit 1
  }
done

work=$(mktemp -d)
aicrd_pid=""
nginx_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  [[ -n ${aicrd_pid} ]] && kill "${aicrd_pid}" 2>/dev/null && wait "${aicrd_pid}" 2>/dev/null
  [[ -n ${nginx_pid} ]] && kill "${nginx_pid}" 2>/dev/null && wait "${nginx_pid}" 2>/dev/null
  rm -rf "${work}"
}
trap cleanup EXIT

free_port() {
  local p
  for ((p = 20000 + RANDOM % 20000; p < 65000; p++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/${p}") 2>/dev/null; then
      echo "${p}"
      return
    fi
  done
  return 1
}

wait_for() {
  local url=$1 i
  for ((i = 0; i < 100; i++)); do
    curl -fsS -o /dev/null "${url}" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "load_bench: ${url} did not come up" >&2
  return 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# wrk output -> "requests_per_second p99_ms"
parse_wrk() {
  awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" {
      v = $2
      if (v ~ /us$/) { sub(/us$/, "", v); p99 = v / 1000 }
      else if (v ~ /ms$/) { sub(/ms$/, "", v); p99 = v }
      else if (v ~ /s$/) { sub(/s$/, "", v); p99 = v * 1000 }
    }
    END { printf "%s %s\n", rps, p99 }'
}

# --- servers ------------------------------------------------------------------
aicrd_port=$(free_port)
PORT=${aicrd_port} AICR_SERVER_ADDRESS=127.0.0.1 AICR_RATE_LIMIT=0 "${aicrd}" 2>/dev/null &
aicrd_pid=$!
wait_for "http://127.0.0.1:${aicrd_port}/health"

readonly recipe_path='/v1/recipe?service=eks&accelerator=h100&intent=training&os=ubuntu'
mkdir -p "${work}/www" "${work}/tmp"
curl -fsS -o "${work}/www/recipe.json" "http://127.0.0.1:${aicrd_port}${recipe_path}"

nginx_port=$(free_port)
user_line=""
[[ ${EUID} -eq 0 ]] && user_line="user root;"
cat >"${work}/nginx.conf" <<EOF
${user_line}
worker_processes 2;
daemon off;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${work}/tmp/body;
  proxy_temp_path ${work}/tmp/proxy;
  fastcgi_temp_path ${work}/tmp/fastcgi;
  uwsgi_temp_path ${work}/tmp/uwsgi;
  scgi_temp_path ${work}/tmp/scgi;
  server {
    listen 127.0.0.1:${nginx_port};
    root ${work}/www;
    location / { default_type application/json; }
  }
}
EOF
nginx -e "${work}/nginx-error.log" -c "${work}/nginx.conf" -p "${work}" &
nginx_pid=$!
wait_for "http://127.0.0.1:${nginx_port}/recipe.json"
cmp -s "${work}/www/recipe.json" <(curl -fsS "http://127.0.0.1:${nginx_port}/recipe.json") || {
  echo "load_bench: nginx does not serve the same bytes" >&2
  exit 1
}

# --- 1. throughput and latency -------------------------------------------------
echo "load: GET ${recipe_path} ($(wc -c <"${work}/www/recipe.json") bytes)," \
  "wrk 1 thread, ${connections} connections, ${seconds}s x ${rounds} rounds, rate limit off"
wrk -t1 -c"${connections}" -d1s "http://127.0.0.1:${aicrd_port}${recipe_path}" >/dev/null
wrk -t1 -c"${connections}" -d1s "http://127.0.0.1:${nginx_port}/recipe.json" >/dev/null
best_a=0 best_a_p99=0 best_n=0 best_n_p99=0
for ((r = 1; r <= rounds; r++)); do
  read -r a a_p99 < <(wrk -t1 -c"${connections}" -d"${seconds}s" --latency \
    "http://127.0.0.1:${aicrd_port}${recipe_path}" | parse_wrk)
  read -r n n_p99 < <(wrk -t1 -c"${connections}" -d"${seconds}s" --latency \
    "http://127.0.0.1:${nginx_port}/recipe.json" | parse_wrk)
  printf '  round %d: aicrd %9.0f req/s p99 %7.2f ms | nginx %9.0f req/s p99 %7.2f ms\n' \
    "${r}" "${a}" "${a_p99}" "${n}" "${n_p99}"
  if awk -v x="${a}" -v y="${best_a}" 'BEGIN { exit !(x > y) }'; then
    best_a=${a} best_a_p99=${a_p99}
  fi
  if awk -v x="${n}" -v y="${best_n}" 'BEGIN { exit !(x > y) }'; then
    best_n=${n} best_n_p99=${n_p99}
  fi
done
awk -v a="${best_a}" -v n="${best_n}" -v ap="${best_a_p99}" -v np="${best_n_p99}" 'BEGIN {
  printf "  best: throughput aicrd/nginx = %.2fx (target >= 0.5x); p99 aicrd %.2f ms (target < 10 ms), nginx %.2f ms\n",
    a / n, ap, np }'
echo "  aicrd RSS after throughput runs: $(rss_kib "${aicrd_pid}") KiB (peak $(hwm_kib "${aicrd_pid}") KiB, target < 65536)"

# --- 2. robustness: mixed valid and invalid requests ----------------------------
cat >"${work}/mixed.lua" <<'EOF'
-- A fixed rotation of valid and invalid requests; stops after `limit` responses.
-- (No HEAD: wrk's parser would wait for the body a HEAD answer announces. No
-- /health, /ready, /metrics: probes are not counted in the request metric.)
local requests = {
  wrk.format("GET", "/v1/recipe?service=eks&accelerator=h100&intent=training&os=ubuntu"),
  wrk.format("GET", "/v1/recipe?service=gke&gpu=h100&intent=inference"),
  wrk.format("GET", "/v1/recipe?service=aks&accelerator=h100&intent=training"),
  wrk.format("GET", "/v1/query?service=eks&accelerator=h100&intent=training&selector=components"),
  wrk.format("POST", "/v1/recipe", {["Content-Type"] = "application/json"},
             '{"criteria":{"service":"eks","accelerator":"gb200","intent":"training"}}'),
  wrk.format("POST", "/v1/recipe", {["Content-Type"] = "application/x-yaml"},
             "criteria:\n  service: oke\n  accelerator: h100\n  intent: inference\n"),
  wrk.format("GET", "/v1/recipe?service=windows"),
  wrk.format("GET", "/v1/recipe?service=eks&bogus=1"),
  wrk.format("GET", "/v1/recipe?service=eks&service=gke"),
  wrk.format("GET", "/v1/query?service=eks"),
  wrk.format("POST", "/v1/recipe", {["Content-Type"] = "application/json"}, '{"criteria":'),
  wrk.format("POST", "/v1/recipe", {["Content-Type"] = "application/json"}, '{"unknown":true}'),
  wrk.format("DELETE", "/v1/recipe"),
  wrk.format("GET", "/v2/nothing/here"),
  wrk.format("GET", "/v1/recipe?service=eks&accelerator=h100&intent=training",
             {["Accept"] = "application/vnd.nvidia.aicr.v9+json"}),
  wrk.format("GET", "/v1/recipe?service=eks&accelerator=h100&intent=training",
             {["If-None-Match"] = "*", ["X-Request-Id"] = "not-a-uuid"}),
}
local i = 0
local seen = 0
local limit = tonumber(os.getenv("LOAD_MIXED_REQUESTS"))
request = function()
  i = i + 1
  return requests[(i - 1) % #requests + 1]
end
response = function(status, headers, body)
  seen = seen + 1
  if seen >= limit then
    wrk.thread:stop()
  end
end
EOF
# Requests the server has counted, not counting its /metrics scrapes.
metric_total() {
  curl -fsS "http://127.0.0.1:${aicrd_port}/metrics" |
    awk '/^aicr_http_requests_total\{/ && !/path="\/metrics"/ { s += $NF } END { printf "%d\n", s }'
}
before_total=$(metric_total)
rss_before=$(rss_kib "${aicrd_pid}")
# wrk runs for its whole duration even when every thread has stopped; stop it
# with SIGINT (it still prints its summary) once the server has counted them all.
LOAD_MIXED_REQUESTS=${requests} wrk -t1 -c"${connections}" -d600s -s "${work}/mixed.lua" \
  "http://127.0.0.1:${aicrd_port}" >"${work}/mixed.out" &
wrk_pid=$!
while kill -0 "${wrk_pid}" 2>/dev/null; do
  if (($(metric_total) - before_total >= requests)); then
    sleep 0.5
    kill -INT "${wrk_pid}"
    break
  fi
  sleep 0.5
done
wait "${wrk_pid}" || true
rss_after=$(rss_kib "${aicrd_pid}")
after_total=$(metric_total)
sent=$(awk '/requests in/ { print $1 }' "${work}/mixed.out")
socket_errors=$(awk '/Socket errors/ { print $4 + $6 + $8 + $10 }' "${work}/mixed.out")
socket_errors=${socket_errors:-0}
non_2xx=$(awk '/Non-2xx/ { print $NF }' "${work}/mixed.out")
served=$((after_total - before_total))
echo "robustness: ${sent} mixed requests (${non_2xx:-0} answered non-2xx/3xx by design)," \
  "server counted ${served}, socket errors ${socket_errors}"
echo "  aicrd RSS before ${rss_before} KiB, after ${rss_after} KiB" \
  "(growth $((rss_after - rss_before)) KiB, allowed ${kRssSlackKib})"
status=0
if ((sent < requests || socket_errors != 0 || served < sent)); then
  echo "load_bench: FAIL: not every request was answered" >&2
  status=1
fi
if ((rss_after - rss_before > kRssSlackKib)); then
  echo "load_bench: FAIL: resident set grew under load" >&2
  status=1
fi
exit "${status}"
