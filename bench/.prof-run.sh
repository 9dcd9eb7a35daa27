#!/bin/bash
# usage: prof-run.sh kind fixture outdir
set -e
kind=$1; fx=$2; out=$3
mkdir -p $out
taskset -c 1 node --cpu-prof --cpu-prof-dir=$out --import tsx bench/.prof-target.ts $kind $fx > /tmp/prof-ready.$$ 2>&1 &
pid=$!
for i in $(seq 100); do grep -q READY /tmp/prof-ready.$$ && break; sleep 0.1; done
read _ port path < <(grep READY /tmp/prof-ready.$$)
echo "port $port path $path"
node --import tsx -e "
import { FIXTURES, fixtureRequest } from './bench/fixtures.ts'
" >/dev/null 2>&1 || true
node --import tsx bench/.cannon.ts $port "$path" $fx 2 >/dev/null; taskset -c 0 node --import tsx bench/.cannon.ts $port "$path" $fx 10
kill -TERM $pid; wait $pid || true
