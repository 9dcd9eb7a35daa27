#!/bin/bash
# usage: pair.sh fixture rounds secs [pin]
fx=$1; rounds=${2:-3}; secs=${3:-5}; pin=$4
start() { if [ -n "$pin" ]; then taskset -c 1 node --import tsx bench/target-server.ts $1 $fx > /tmp/pair.$1 2>&1 & else node --import tsx bench/target-server.ts $1 $fx > /tmp/pair.$1 2>&1 & fi; echo $!; }
m=$(start mock); b=$(start bare-msw)
for i in $(seq 100); do grep -q READY /tmp/pair.mock && grep -q READY /tmp/pair.bare-msw && break; sleep 0.2; done
C=""; [ -n "$pin" ] && C="taskset -c 0"
for r in $(seq 0 $rounds); do for k in mock bare-msw; do read _ port path < <(grep READY /tmp/pair.$k); echo -n "r$r $k "; $C node --import tsx bench/.cannon.ts $port "$path" $fx $secs; done; done
kill $m $b
