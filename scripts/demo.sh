#!/usr/bin/env bash
# The main job on the embedded defaults (SQLite, filesystem store, embedded search,
# steps in-process): validate every sample, register the samples' agencies with an archivist
# each (the first administrator is made here), ingest the valid ones as them, search them.
set -euo pipefail
cd "$(dirname "$0")/.."
export LUUTRU_DATA_DIR="${LUUTRU_DATA_DIR:-var/demo}"
export LUUTRU_TRUST_ROOTS_DIR="${LUUTRU_TRUST_ROOTS_DIR:-samples/trust}"  # the samples' test CA

echo "==> 1. Kiểm tra mọi hồ sơ mẫu (valid and invalid samples)"
luutru validate samples/valid/* samples/invalid/*/submission* || true   # invalid samples are invalid on purpose

echo "==> 2. Quản trị viên đầu tiên, danh mục cơ quan, một văn thư mỗi cơ quan (ingest acts for a person)"
# The demo's accounts: passwords made here, kept in $LUUTRU_DATA_DIR/demo-accounts (0600).
accounts="$LUUTRU_DATA_DIR/demo-accounts"
mkdir -p "$LUUTRU_DATA_DIR"
if [ ! -f "$accounts" ]; then
  (umask 077; echo "quantri $(head -c 18 /dev/urandom | base64 | tr -d '/+=')" > "$accounts")
  read -r _ password < "$accounts"
  luutru user add quantri --role admin --password-stdin <<< "$password"
fi
read -r _ password < "$accounts"
admin_token=$(luutru user token quantri --name demo --password-stdin <<< "$password")
declare -A agencies=(["000.00.00.H41"]="Ủy ban nhân dân tỉnh Khánh Hòa:ubnd"
                     ["000.00.31.H41"]="Sở Thông tin và Truyền thông tỉnh Khánh Hòa:stttt"
                     ["000.00.12.H41"]="Sở Nội vụ tỉnh Khánh Hòa:snv")
for organ in "${!agencies[@]}"; do
  name="${agencies[$organ]%:*}" prefix="${agencies[$organ]#*:}"
  LUUTRU_TOKEN="$admin_token" luutru agency add "$organ" --name "$name"
  LUUTRU_TOKEN="$admin_token" luutru user add "vanthu.$prefix" --role archivist --agency "$organ" --no-password \
    2>/dev/null || true                                  # already there on a second run
done

echo "==> 3. Lưu trữ các hồ sơ mẫu hợp lệ, mỗi cơ quan do văn thư của cơ quan đó nộp (into $LUUTRU_DATA_DIR)"
for organ in "${!agencies[@]}"; do
  prefix="${agencies[$organ]#*:}"
  LUUTRU_TOKEN=$(LUUTRU_TOKEN="$admin_token" luutru user token "vanthu.$prefix" --name demo) \
    luutru ingest samples/valid/"$prefix"-*
done

echo "==> 4. Tìm kiếm không dấu: \"van ban dien tu\" (as a researcher: open records only)"
LUUTRU_TOKEN="$admin_token" luutru user add docgia --role researcher --no-password 2>/dev/null || true
reader_token=$(LUUTRU_TOKEN="$admin_token" luutru user token docgia --name demo)
LUUTRU_TOKEN="$reader_token" luutru search "van ban dien tu"
echo "==> 5. Tra cứu theo số, ký hiệu: 04/2021/QĐ-UBND"
LUUTRU_TOKEN="$reader_token" luutru search "04/2021/QĐ-UBND"

echo "==> 6. Nhật ký kiểm tra: điểm kiểm tra chỉ ghi một lần trong kho, rồi xác minh chuỗi HMAC"
echo "    (khóa HMAC: $LUUTRU_DATA_DIR/audit.key, quyền 0600, tạo ở lần dùng đầu tiên, không lưu trong CSDL)"
luutru audit checkpoint
luutru audit verify
