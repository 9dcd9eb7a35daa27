#!/bin/bash
# usage: trio.sh fixture rounds secs  -- mock, mock with JL=1, bare, pinned
fx=$1; rounds=${2:-3}; secs=${3:-5}
taskset -c 1 node --import tsx bench/target-server.ts mock $fx > /tmp/pair.mock 2>&1 & p1=$!
JL=1 taskset -c 1 node --import tsx bench/target-server.ts mock $fx > /tmp/pair.mockJL 2>&1 & p2=$!
taskset -c 1 node --import tsx bench/target-server.ts bare-msw $fx > /tmp/pair.bare 2>&1 & p3=$!
for i in $(seq 100); do grep -q READY /tmp/pair.mock && grep -q READY /tmp/pair.mockJL && grep -q READY /tmp/pair.bare && break; sleep 0.2; done
for r in $(seq 0 $rounds); do for k in mock mockJL bare; do read _ port path < <(grep READY /tmp/pair.$k); echo -n "r$r $k "; taskset -c 0 node --import tsx bench/.cannon.ts $port "$path" $fx $secs; done; done
kill $p1 $p2 $p3
