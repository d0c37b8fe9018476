#!/usr/bin/env bash
# Fuzzes every dvc-fuzz target with libFuzzer (-sanitize=fuzzer,address) for SECONDS each.
#
#   Scripts/fuzz.sh [SECONDS] [TARGET…]      (default: 60 seconds, every target)
#
# The corpus of each target starts from Fuzz/Seeds/<target> and grows in .build/fuzz-corpus/<target>
# (kept between runs, never committed). A crash stops the run: libFuzzer writes the input to
# .build/fuzz-findings/<target>/crash-…; reproduce it in a debug build with
#   swift run dvc-fuzz <target> .build/fuzz-findings/<target>/crash-…
# Each target's executions are printed at the end (libFuzzer's stat::number_of_executed_units).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(codes envelope wire payments inbound http journal dialect codec)
fi

swift build -c release --product dvc-fuzz --scratch-path .build/fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DDVC_LIBFUZZER \
  -Xswiftc -enable-experimental-feature -Xswiftc Extern
fuzzer=.build/fuzz/release/dvc-fuzz

summary=()
status=0
for target in "${targets[@]}"; do
  corpus=.build/fuzz-corpus/$target
  findings=.build/fuzz-findings/$target
  mkdir -p "$corpus" "$findings"
  cp -n Fuzz/Seeds/"$target"/* "$corpus"/ 2>/dev/null || true
  log=.build/fuzz-findings/$target.log
  # The inbound handlers are async: their task frees its memory on another thread after the
  # input returns, which libFuzzer takes for a possible leak and re-checks on every input (a
  # 50-fold slowdown). Leak checking is off for that target only.
  leaks=1
  if [ "$target" = inbound ]; then leaks=0; fi
  echo "=== $target: ${seconds} s"
  if DVC_FUZZ_TARGET=$target "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
       -max_len=65536 -timeout=10 -rss_limit_mb=2048 -detect_leaks=$leaks -artifact_prefix="$findings/" \
       "$corpus" >"$log" 2>&1; then
    outcome="no finding"
  else
    outcome="FINDING (see $log and $findings)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  line=$(printf "%-9s %12s executions  %8s/s  %s" "$target" "${runs:-?}" "${speed:-?}" "$outcome")
  echo "$line"
  summary+=("$line")
done

echo
echo "target      executions       per second"
printf '%s\n' "${summary[@]}"
exit $status
