#!/usr/bin/env bash
# The main job on the embedded defaults (SQLite, filesystem store, embedded search,
# steps in-process): validate every sample, ingest the valid ones, search them.
set -euo pipefail
cd "$(dirname "$0")/.."
export LUUTRU_DATA_DIR="${LUUTRU_DATA_DIR:-var/demo}"
export LUUTRU_TRUST_ROOTS_DIR="${LUUTRU_TRUST_ROOTS_DIR:-samples/trust}"  # the samples' test CA

echo "==> 1. Kiểm tra mọi hồ sơ mẫu (valid and invalid samples)"
luutru validate samples/valid/* samples/invalid/*/submission* || true   # invalid samples are invalid on purpose

echo "==> 2. Lưu trữ các hồ sơ mẫu hợp lệ (ingest into $LUUTRU_DATA_DIR)"
luutru ingest samples/valid

echo "==> 3. Tìm kiếm không dấu: \"van ban dien tu\" (as a researcher: open records only)"
luutru search "van ban dien tu" --as-role researcher
echo "==> 4. Tra cứu theo số, ký hiệu: 04/2021/QĐ-UBND"
luutru search "04/2021/QĐ-UBND" --as-role researcher

echo "==> 5. Nhật ký kiểm tra: điểm kiểm tra chỉ ghi một lần trong kho, rồi xác minh chuỗi HMAC"
echo "    (khóa HMAC: $LUUTRU_DATA_DIR/audit.key, quyền 0600, tạo ở lần dùng đầu tiên, không lưu trong CSDL)"
luutru audit checkpoint
luutru audit verify
