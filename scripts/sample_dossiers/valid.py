"""The valid dossiers: realistic Khánh Hòa dossiers around Decision 04/2021/QĐ-UBND."""
from __future__ import annotations

from datetime import date

from sample_dossiers.documents import Doc
from sample_dossiers.manifest import Dossier
from sample_dossiers.source import Decision

CHAIRMAN = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Đinh Văn Thiệu")      # the decision's real signer
STTTT_DIRECTOR = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An")
SNV_DIRECTOR = ("", "GIÁM ĐỐC", "Trần Thị Bình")
VP_CHIEF = ("KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Lê Hoàng Nam")
UBND_VICE = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH", "Phạm Minh Tuấn")
SUBJECT_QD04 = ("Ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động của cơ quan "
                "nhà nước tỉnh Khánh Hòa")


def quote(dec: Decision, *numbers: int) -> list[tuple[str, str]]:
    """Articles of the Regulation, as body blocks."""
    out = []
    for n in numbers:
        heading, paras = dec.article(n)
        out += [("h", heading), *(("p", p) for p in paras)]
    return out


def decision_04(dec: Decision, stem: str, fmt: str = "pdf", direction: str = "outgoing", **meta) -> Doc:
    body = [("p", p) for p in dec.preamble] + [("c", "QUYẾT ĐỊNH:")]
    body += [("p", a) for a in dec.articles]
    regulation = Doc("outgoing", "Quy định", None, None, date(2021, 3, 15), "ubnd", SUBJECT_QD04.split("Ban hành ")[1],
                     [("p", "(Ban hành kèm theo Quyết định số 04/2021/QĐ-UBND ngày 15 tháng 3 năm 2021 "
                            "của Ủy ban nhân dân tỉnh Khánh Hòa)")]
                     + quote(dec, *range(1, len(dec.regulation) + 1)), CHAIRMAN, stem=f"{stem}-quy-dinh-kem-theo")
    return Doc(direction, "Quyết định", "04", "2021/QĐ-UBND", date(2021, 3, 15), "ubnd", SUBJECT_QD04, body,
               CHAIRMAN, ["Văn phòng Chính phủ", "Bộ Thông tin và Truyền thông", "Cục Kiểm tra văn bản QPPL - Bộ Tư pháp",
                          "Thường trực Tỉnh ủy, HĐND tỉnh", "Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
               fmt=fmt, stem=stem, attachments=[regulation] if direction == "outgoing" else [], meta=meta)


def valid_dossiers(dec: Decision) -> list[Dossier]:
    d = date
    art = dec.article
    return [
        Dossier("ubnd-2021-01vp-ban-hanh-quy-dinh-vbdt", "ubnd", 2021, "01.VP",
                "Hồ sơ xây dựng và ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động "
                "của cơ quan nhà nước tỉnh Khánh Hòa", "Vĩnh viễn", "Công khai", "Nguyễn Thị Lan", [
                    Doc("incoming", "Công văn", "2849", "STTTT-CNTT", d(2020, 11, 26), "stttt",
                        "Đề nghị ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", [
                            ("p", "Kính gửi: Ủy ban nhân dân tỉnh Khánh Hòa."),
                            ("p", "Quyết định số 22/2017/QĐ-UBND ngày 27 tháng 11 năm 2017 của Ủy ban nhân dân tỉnh "
                                  "đã bộc lộ nhiều điểm không còn phù hợp với Nghị định số 30/2020/NĐ-CP về công tác "
                                  "văn thư và Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi "
                                  "trường điện tử."),
                            ("p", "Sở Thông tin và Truyền thông kính trình Ủy ban nhân dân tỉnh dự thảo Quyết định ban "
                                  "hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử trong hoạt động của cơ quan "
                                  "nhà nước tỉnh Khánh Hòa, với các nội dung chính sau:"),
                            *quote(dec, 1, 2, 3)], STTTT_DIRECTOR, ["Như trên", "Văn phòng UBND tỉnh"],
                        stem="cv-2849-stttt-cntt",
                        meta={"ArrivalDate": d(2020, 11, 27), "ArrivalNumber": 1532, "ToPlaces": "Phòng Kiểm soát thủ tục hành chính"}),
                    Doc("incoming", "Báo cáo", "12", "BC-STP", d(2021, 1, 20), "stp",
                        "Thẩm định dự thảo Quyết định ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", [
                            ("p", "Sở Tư pháp nhận được hồ sơ đề nghị thẩm định dự thảo Quyết định của Ủy ban nhân dân "
                                  "tỉnh ban hành Quy định trao đổi, lưu trữ, xử lý văn bản điện tử. Sau khi nghiên cứu, "
                                  "Sở Tư pháp báo cáo kết quả thẩm định như sau:"),
                            ("h", "1. Sự cần thiết ban hành văn bản"),
                            ("p", "Việc ban hành Quy định là cần thiết, thay thế Quyết định số 22/2017/QĐ-UBND, phù hợp "
                                  "với Nghị định số 30/2020/NĐ-CP."),
                            ("h", "2. Phạm vi điều chỉnh, đối tượng áp dụng"), *(("p", p) for p in art(1)[1]),
                            ("h", "3. Kết luận"),
                            ("p", "Dự thảo đủ điều kiện trình Ủy ban nhân dân tỉnh xem xét, ban hành.")],
                        ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Võ Thị Hạnh"), ["UBND tỉnh", "Sở Thông tin và Truyền thông"],
                        stem="bc-12-stp-tham-dinh",
                        meta={"ArrivalDate": d(2021, 1, 21), "ArrivalNumber": 118, "ToPlaces": "Lãnh đạo Văn phòng"}),
                    Doc("internal", "Báo cáo", "35", "BC-VP", d(2021, 2, 10), "vp",
                        "Tổng hợp ý kiến góp ý dự thảo Quy định trao đổi, lưu trữ, xử lý văn bản điện tử", [
                            ("p", "Văn phòng Ủy ban nhân dân tỉnh tổng hợp ý kiến của các sở, ban, ngành và Ủy ban nhân "
                                  "dân các huyện, thị xã, thành phố về dự thảo Quy định như sau:"),
                            ("p", "- 18 cơ quan thống nhất với dự thảo; 3 cơ quan đề nghị làm rõ danh mục văn bản "
                                  "trao đổi hoàn toàn dưới dạng điện tử tại Điều 4."),
                            *quote(dec, 4)], VP_CHIEF, fmt="docx", stem="bc-35-vp-tong-hop-gop-y"),
                    decision_04(dec, "qd-04-2021-qd-ubnd", IssuedAmount=60),
                ], description="Gồm công văn đề nghị, báo cáo thẩm định, báo cáo tổng hợp góp ý và quyết định ban hành."),
        Dossier("stttt-2021-05cntt-trien-khai-chu-ky-so", "stttt", 2021, "05.CNTT",
                "Hồ sơ triển khai Quyết định số 04/2021/QĐ-UBND về trao đổi văn bản điện tử có chữ ký số",
                "10 năm", "Công khai", "Hồ Thị Thu", [
                    decision_04(dec, "qd-04-2021-qd-ubnd-ban-den", direction="incoming",
                                ArrivalDate=d(2021, 3, 16), ArrivalNumber=402, ToPlaces="Phòng Công nghệ thông tin"),
                    Doc("outgoing", "Công văn", "215", "STTTT-CNTT", d(2021, 4, 5), "stttt",
                        "Triển khai thực hiện Quyết định số 04/2021/QĐ-UBND", [
                            ("p", "Kính gửi: Các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã, thành phố."),
                            ("p", "Ngày 15 tháng 3 năm 2021, Ủy ban nhân dân tỉnh ban hành Quyết định số "
                                  "04/2021/QĐ-UBND. Để triển khai thực hiện, Sở Thông tin và Truyền thông đề nghị các "
                                  "cơ quan, đơn vị thực hiện các nội dung sau:"),
                            *quote(dec, 3), ("p", "Văn bản này được ký số, không gửi kèm bản giấy.")],
                        STTTT_DIRECTOR, ["Như trên", "UBND tỉnh (b/c)", "Văn phòng UBND tỉnh"], fmt="signed-pdf",
                        stem="cv-215-stttt-cntt-ky-so", meta={"IssuedAmount": 35}),
                ], description="Văn bản đi được ký số bằng chứng thư số của Sở."),
        Dossier("stttt-2021-12vp-van-ban-den-ban-giay", "stttt", 2021, "12.VP",
                "Hồ sơ văn bản đến dạng giấy được số hóa về trao đổi văn bản điện tử của các địa phương",
                "5 năm", "Hạn chế", "Hồ Thị Thu", [
                    Doc("incoming", "Công văn", "512", "UBND-VP", d(2021, 4, 12), "nhatrang",
                        "Thực hiện Quyết định số 04/2021/QĐ-UBND về văn bản điện tử", [
                            ("p", "Kính gửi: Sở Thông tin và Truyền thông tỉnh Khánh Hòa."),
                            ("p", "Thực hiện Quyết định số 04/2021/QĐ-UBND của Ủy ban nhân dân tỉnh về trao đổi, "
                                  "lưu trữ, xử lý văn bản điện tử, Ủy ban nhân dân thành phố Nha Trang báo cáo: "
                                  "100% văn bản điện tử gửi đi được ký số; các phòng, ban đã sử dụng hệ thống Quản lý "
                                  "văn bản và điều hành."),
                            ("p", "Đề nghị Sở hướng dẫn việc lưu trữ văn bản điện tử đối với văn bản đến dạng giấy.")],
                        ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đỗ Văn Hùng"), ["Như trên"], fmt="png",
                        stem="cv-512-ubnd-nha-trang-scan",
                        meta={"ArrivalDate": d(2021, 4, 14), "ArrivalNumber": 633, "ToPlaces": "Văn phòng Sở"}),
                    Doc("incoming", "Báo cáo", "87", "BC-UBND", d(2021, 5, 18), "dienkhanh",
                        "Tình hình trao đổi văn bản điện tử trên địa bàn huyện Diên Khánh", [
                            ("p", "Ủy ban nhân dân huyện Diên Khánh báo cáo tình hình thực hiện Quyết định số "
                                  "04/2021/QĐ-UBND như sau:"), *quote(dec, 5, 6)],
                        ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Ngô Văn Lâm"), ["Sở Thông tin và Truyền thông"],
                        fmt="tiff", stem="bc-87-ubnd-dien-khanh-scan",
                        meta={"ArrivalDate": d(2021, 5, 20), "ArrivalNumber": 871, "ToPlaces": "Phòng Công nghệ thông tin"}),
                ], description="Bản quét 300 dpi của văn bản giấy đến (PNG, TIFF nhiều trang)."),
        Dossier("stttt-2021-08cntt-tap-huan-vbdt", "stttt", 2021, "08.CNTT",
                "Hồ sơ tổ chức tập huấn sử dụng văn bản điện tử, chữ ký số cho cán bộ, công chức",
                "10 năm", "Công khai", "Lê Quốc Việt", [
                    Doc("outgoing", "Kế hoạch", "45", "KH-STTTT", d(2021, 5, 10), "stttt",
                        "Tập huấn sử dụng văn bản điện tử, chữ ký số", [
                            ("h", "I. MỤC ĐÍCH, YÊU CẦU"),
                            ("p", "Nâng cao kỹ năng trao đổi, lưu trữ, xử lý văn bản điện tử cho cán bộ, công chức theo "
                                  "Điều 17 Quy định ban hành kèm theo Quyết định số 04/2021/QĐ-UBND."),
                            ("h", "II. NỘI DUNG"), *quote(dec, 17)], STTTT_DIRECTOR,
                        ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"], stem="kh-45-stttt-tap-huan",
                        meta={"IssuedAmount": 40}),
                    Doc("internal", "Báo cáo", "18", "BC-CNTT", d(2021, 6, 25), "stttt",
                        "Kết quả tổ chức tập huấn sử dụng văn bản điện tử, chữ ký số", [
                            ("p", "Phòng Công nghệ thông tin báo cáo kết quả tập huấn: 6 lớp, 412 học viên."),
                            *quote(dec, 15)], ("TRƯỞNG PHÒNG", "", "Lê Quốc Việt"), fmt="docx",
                        stem="bc-18-cntt-ket-qua-tap-huan"),
                ], manifest="json", description="Manifest JSON (hoso.json)."),
        Dossier("ubnd-2021-15vp-tinh-hinh-vbdt-quy-ii", "ubnd", 2021, "15.VP",
                "Hồ sơ về tình hình trao đổi văn bản điện tử của các cơ quan nhà nước trong quý II năm 2021",
                "10 năm", "Công khai", "Nguyễn Thị Lan", [
                    Doc("incoming", "Báo cáo", "102", "BC-STTTT", d(2021, 7, 5), "stttt",
                        "Tình hình trao đổi văn bản điện tử quý II năm 2021", [
                            ("p", "Sở Thông tin và Truyền thông báo cáo tình hình trao đổi văn bản điện tử của các "
                                  "cơ quan nhà nước trên địa bàn tỉnh trong quý II năm 2021:"),
                            ("p", "- Tỷ lệ văn bản đi được ký số: 96%; tỷ lệ văn bản gửi hoàn toàn điện tử: 91%."),
                            *quote(dec, 10, 11)], STTTT_DIRECTOR, ["UBND tỉnh"], fmt="odt",
                        stem="bc-102-stttt-quy-ii",
                        meta={"ArrivalDate": d(2021, 7, 6), "ArrivalNumber": 2307, "ToPlaces": "Văn phòng UBND tỉnh"}),
                    Doc("outgoing", "Công văn", "3120", "UBND-VP", d(2021, 7, 20), "ubnd",
                        "Chấn chỉnh việc trao đổi văn bản điện tử", [
                            ("p", "Kính gửi: Các sở, ban, ngành; Ủy ban nhân dân các huyện, thị xã, thành phố."),
                            ("p", "Xét Báo cáo số 102/BC-STTTT của Sở Thông tin và Truyền thông, Ủy ban nhân dân tỉnh "
                                  "yêu cầu các cơ quan, đơn vị thực hiện nghiêm Điều 4 Quy định:"), *quote(dec, 4)],
                        UBND_VICE, ["Như trên", "Sở Thông tin và Truyền thông"], stem="cv-3120-ubnd-vp",
                        meta={"IssuedAmount": 45}),
                ], description="Báo cáo dạng ODT và công văn chỉ đạo."),
        Dossier("snv-2021-03lt-huong-dan-nop-luu-hsdt", "snv", 2021, "03.LT",
                "Hồ sơ hướng dẫn lưu trữ, giao nộp hồ sơ điện tử vào Lưu trữ cơ quan", "20 năm", "Công khai",
                "Phan Thị Mai", [
                    Doc("incoming", "Công văn", "1850", "STTTT-CNTT", d(2021, 8, 2), "stttt",
                        "Phối hợp hướng dẫn tiêu chuẩn dữ liệu hồ sơ điện tử", [
                            ("p", "Kính gửi: Sở Nội vụ tỉnh Khánh Hòa."),
                            ("p", "Thực hiện Điều 17 và Điều 18 Quy định ban hành kèm theo Quyết định số "
                                  "04/2021/QĐ-UBND, Sở Thông tin và Truyền thông đề nghị Sở Nội vụ phối hợp:"),
                            *quote(dec, 18)], STTTT_DIRECTOR, ["Như trên"], stem="cv-1850-stttt-cntt",
                        meta={"ArrivalDate": d(2021, 8, 3), "ArrivalNumber": 960, "ToPlaces": "Phòng Văn thư - Lưu trữ"}),
                    Doc("outgoing", "Hướng dẫn", "09", "HD-SNV", d(2021, 9, 10), "snv",
                        "Lưu trữ, giao nộp hồ sơ điện tử vào Lưu trữ cơ quan", [
                            ("h", "I. CĂN CỨ"), ("p", dec.preamble[8]),
                            ("h", "II. NỘI DUNG HƯỚNG DẪN"), *quote(dec, 13, 14)],
                        SNV_DIRECTOR, ["Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố"],
                        stem="hd-09-snv-nop-luu", meta={"IssuedAmount": 30}),
                ], zipped=True, description="Nộp dưới dạng tệp ZIP."),
        Dossier("ubnd-2021-20vp-hop-trien-khai-qlvb", "ubnd", 2021, "20.VP",
                "Hồ sơ cuộc họp triển khai hệ thống Quản lý văn bản và điều hành", "5 năm", "Hạn chế",
                "Nguyễn Thị Lan", [
                    Doc("internal", "Biên bản", "14", "BB-VP", d(2021, 10, 4), "vp",
                        "Cuộc họp triển khai hệ thống Quản lý văn bản và điều hành", [
                            ("p", "Hồi 8 giờ 00 ngày 04 tháng 10 năm 2021, tại phòng họp số 2, Văn phòng Ủy ban nhân "
                                  "dân tỉnh tổ chức họp triển khai hệ thống Quản lý văn bản và điều hành."),
                            ("p", "Thành phần: Lãnh đạo Văn phòng; Sở Thông tin và Truyền thông; Sở Nội vụ."),
                            *quote(dec, 6)], ("THƯ KÝ", "", "Trần Ngọc Ánh"), stem="bb-14-vp-hop"),
                    Doc("outgoing", "Thông báo", "412", "TB-UBND", d(2021, 10, 8), "ubnd",
                        "Kết luận cuộc họp triển khai hệ thống Quản lý văn bản và điều hành", [
                            ("p", "Ngày 04 tháng 10 năm 2021, Phó Chủ tịch Ủy ban nhân dân tỉnh chủ trì cuộc họp. "
                                  "Phó Chủ tịch kết luận như sau:"), *quote(dec, 16)],
                        ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG - PHÓ CHÁNH VĂN PHÒNG", "Lê Hoàng Nam"),
                        ["Sở Thông tin và Truyền thông", "Sở Nội vụ"], stem="tb-412-ubnd",
                        meta={"IssuedAmount": 10}),
                ], description="Biên bản nội bộ (hạn chế sử dụng) và thông báo kết luận."),
        Dossier("stttt-2021-21cntt-van-ban-khan-attt", "stttt", 2021, "21.CNTT",
                "Hồ sơ xử lý văn bản khẩn về bảo đảm an toàn thông tin hệ thống thư điện tử công vụ", "10 năm",
                "Công khai", "Lê Quốc Việt", [
                    Doc("incoming", "Công văn", "4021", "UBND-VP", d(2021, 11, 1), "ubnd",
                        "Bảo đảm an toàn thông tin hệ thống thư điện tử công vụ", [
                            ("p", "Kính gửi: Sở Thông tin và Truyền thông."),
                            ("p", "Ủy ban nhân dân tỉnh giao Sở Thông tin và Truyền thông kiểm tra, bảo đảm an toàn "
                                  "thông tin hệ thống thư điện tử công vụ; báo cáo kết quả trước ngày 05/11/2021."),
                            *quote(dec, 8)], UBND_VICE, ["Như trên"], stem="cv-4021-ubnd-vp-khan",
                        meta={"ArrivalDate": d(2021, 11, 1), "ArrivalNumber": 2210, "Priority": 1,
                              "ToPlaces": "Phòng Công nghệ thông tin",
                              "TraceHeaderList": "Giám đốc: giao Phòng CNTT chủ trì, báo cáo trước ngày 05/11/2021.",
                              "DueDate": d(2021, 11, 5)}),
                    Doc("outgoing", "Báo cáo", "250", "BC-STTTT", d(2021, 11, 5), "stttt",
                        "Kết quả kiểm tra an toàn thông tin hệ thống thư điện tử công vụ", [
                            ("p", "Thực hiện Công văn số 4021/UBND-VP ngày 01 tháng 11 năm 2021 của Ủy ban nhân dân "
                                  "tỉnh, Sở Thông tin và Truyền thông báo cáo: hệ thống hoạt động ổn định, đã cập nhật "
                                  "bản vá bảo mật, không phát hiện truy cập trái phép."), *quote(dec, 9)],
                        STTTT_DIRECTOR, ["UBND tỉnh"], stem="bc-250-stttt", meta={"Priority": 1, "IssuedAmount": 2}),
                ], description="Văn bản đến khẩn có hạn giải quyết và ý kiến chỉ đạo."),
    ]
