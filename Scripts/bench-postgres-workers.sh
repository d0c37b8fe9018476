#!/usr/bin/env bash
# Dossiers/s with 1, 2 and 4 dvc-sync-postgres workers against dvc-sandbox --latency 50, on a
# throwaway PostgreSQL cluster (release builds):
#
#   swift build -c release --product dvc-sandbox
#   swift build -c release --package-path Integrations/Postgres --product dvc-sync-postgres
#   Scripts/bench-postgres-workers.sh [DOSSIERS] [WORKERS…]      (default 20000, workers 1 2 4)
#
# Every worker loads the same file (a version already queued is not added twice) and syncs until
# nothing is pending; the figure is DOSSIERS / wall time of the whole run, load included.
set -euo pipefail
count=${1:-20000}
shift || true
workers=("$@")
if [ ${#workers[@]} -eq 0 ]; then workers=(1 2 4); fi
root=$(cd "$(dirname "$0")/.." && pwd)
sandbox_bin="$(swift build -c release --show-bin-path --package-path "$root")/dvc-sandbox"
worker_bin="$(swift build -c release --show-bin-path --package-path "$root/Integrations/Postgres")/dvc-sync-postgres"
work=$(mktemp -d)
eval "$("$root/Scripts/postgres-cluster.sh" start)"
cleanup() { "$root/Scripts/postgres-cluster.sh" stop "$DVC_POSTGRES_DIR"; rm -rf "$work"; }
trap cleanup EXIT

python3 - "$count" "$work/dossiers.json" <<'PY'
import json, sys
count, path = int(sys.argv[1]), sys.argv[2]
dossiers = []
for n in range(count):
    day, seq = 1 + n // 9999 % 28, n % 9999 + 1
    date = f"2603{day:02d}"
    dossiers.append({"MaHoSo": f"000.00.{14 + n % 3}.H20-{date}-{seq:04d}", "MaTTHC": "1.001000", "TenTTHC": "Đăng ký khai sinh",
                     "MaLinhVuc": "G15-HT01", "TenLinhVuc": "Hộ tịch", "LoaiDoiTuong": "1", "TrichYeuHoSo": f"Khai sinh {n}",
                     "NgayTiepNhan": f"20{date}083000", "NgayHenTra": f"20{date}170000", "TrangThaiHoSo": "2", "HinhThuc": "0",
                     "DonViXuLy": "UBND xã", "NgayTra": "", "NgayKetThucXuLy": "", "TaiLieuNop": [], "DanhSachLePhi": [],
                     "DanhSachTepDinhKemKhac": [], "DanhSachHoSoBoSung": [], "DanhSachGiayToKetQua": []})
json.dump({"madonvi": "000.00.00.H20", "service": "DongBoHoSoMC", "isUpdating": "False", "data": dossiers}, open(path, "w"), ensure_ascii=False)
PY

export DVC_PORTAL_PASSWORD=sandbox
printf 'workers  dossiers  seconds  dossiers/s  (first worker: load s, send s)\n'
for n in "${workers[@]}"; do
  "$sandbox_bin" --port 0 --latency 50 > "$work/sandbox-$n.out" &
  sandbox_pid=$!
  for _ in $(seq 100); do grep -q listening "$work/sandbox-$n.out" && break; sleep 0.1; done
  url=$(awk '/listening/ {print $3}' "$work/sandbox-$n.out")
  export DVC_POSTGRES_SCHEMA="bench_$n"
  start=$(date +%s.%N)
  pids=()
  for i in $(seq "$n"); do
    "$worker_bin" --database "$DVC_POSTGRES_URL" --portal "$url" --agency 000.00.00.H20 --username sandbox \
      --json "$work/dossiers.json" > "$work/worker-$n-$i.json" 2>/dev/null &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  end=$(date +%s.%N)
  kill "$sandbox_pid"; wait "$sandbox_pid" 2>/dev/null || true
  python3 -c "
import json, sys
n, c, s = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) - float(sys.argv[4])
w = json.load(open(sys.argv[5]))
print(f'{n:<8} {c:<9} {s:<8.2f} {c/s:<11,.0f} ({w.get(\"loadSeconds\", 0):.1f}, {w.get(\"syncSeconds\", 0):.1f})')" "$n" "$count" "$end" "$start" "$work/worker-$n-1.json"
done
