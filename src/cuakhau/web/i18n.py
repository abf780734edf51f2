"""The pages' language, labels and formats: Vietnamese first, English one click away.

Labels that only pages use live here; everything else (errors, states, gate kinds)
comes from the shared catalogue in ``core/messages.py``. Dates are dd/mm/yyyy,
numbers use Vietnamese separators (1.234,5) in both languages, times are shown in
Asia/Ho_Chi_Minh with the Chinese side's hour beside them where it matters.
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from starlette.requests import HTTPConnection

from cuakhau.capacity.calendar import CHINA_TZ, ZONE_TZ
from cuakhau.core.messages import LANGUAGES, pick_language
from cuakhau.core.messages import translate as core_translate

LANG_COOKIE = "lang"

PAGE_MESSAGES: Mapping[str, tuple[str, str]] = {
    "skip_to_content": ("Bỏ qua, đến nội dung chính", "Skip to main content"),
    "nav_home": ("Trang chủ", "Home"),
    "nav_wait_times": ("Thời gian chờ", "Wait times"),
    "nav_my_crossings": ("Chuyến của tôi", "My crossings"),
    "nav_book": ("Đặt lịch qua cửa khẩu", "Book a crossing"),
    "nav_gate_console": ("Bàn điều hành cửa khẩu", "Gate console"),
    "nav_login": ("Đăng nhập", "Log in"),
    "nav_logout": ("Đăng xuất", "Log out"),
    "nav_signed_in_as": ("Đăng nhập: {name} ({role})", "Signed in: {name} ({role})"),
    "tools_label": ("Công cụ đọc", "Reading tools"),
    "tool_night": ("Chế độ ban đêm", "Night mode"),
    "tool_smaller": ("Giảm cỡ chữ", "Smaller text"),
    "tool_normal": ("Cỡ chữ mặc định", "Default text size"),
    "tool_larger": ("Tăng cỡ chữ", "Larger text"),
    "tool_print": ("In trang", "Print"),
    "tool_pdf": ("Xuất PDF", "Save as PDF"),
    "tool_pdf_hint": (
        "Chọn “Lưu dưới dạng PDF” trong hộp thoại in",
        "Choose “Save as PDF” in the print dialogue",
    ),
    "tool_read": ("Đọc to", "Read aloud"),
    "tool_stop": ("Dừng đọc", "Stop reading"),
    "role_admin": ("Quản trị", "Administrator"),
    "role_board": ("Ban Quản lý", "Management board"),
    "role_gate_officer": ("Cán bộ cửa khẩu", "Gate officer"),
    "role_yard_operator": ("Bến bãi", "Yard operator"),
    "role_customs": ("Hải quan / kiểm dịch", "Customs / quarantine"),
    "role_enterprise": ("Doanh nghiệp", "Enterprise"),
    "role_camera": ("Camera", "Camera"),
    # Login.
    "login_title": ("Đăng nhập", "Log in"),
    "login_username": ("Tên đăng nhập", "Username"),
    "login_password": ("Mật khẩu", "Password"),
    "login_submit": ("Đăng nhập", "Log in"),
    "logged_out": ("Đã đăng xuất.", "You are logged out."),
    "login_needed": ("Hãy đăng nhập để xem trang này.", "Log in to see this page."),
    "csrf_failed": (
        "Biểu mẫu đã cũ hoặc không hợp lệ; hãy tải lại trang và gửi lại.",
        "The form is stale or invalid; reload the page and send it again.",
    ),
    "page_forbidden": (
        "Tài khoản của bạn không được xem trang này.",
        "Your account may not see this page.",
    ),
    "error_title": ("Không thực hiện được", "That did not work"),
    "error_back_home": ("Về trang chủ", "Back to the home page"),
    # Public wait times.
    "wait_title": ("Thời gian chờ qua cửa khẩu", "Border wait times"),
    "wait_lead": (
        "Số xe đang chờ, năng lực thông quan hôm nay và thời gian chờ ước tính, "
        "tự cập nhật khi hàng đợi thay đổi.",
        "Trucks waiting, today's clearance capacity and the expected wait, updated "
        "as the queues change.",
    ),
    "wait_updated": ("Cập nhật lúc {time}", "Updated at {time}"),
    "wait_live": ("Đang cập nhật trực tiếp", "Live"),
    "wait_offline": ("Mất kết nối, đang thử lại…", "Connection lost, retrying…"),
    "col_direction": ("Chiều", "Direction"),
    "col_waiting": ("Xe đang chờ", "Trucks waiting"),
    "col_capacity_today": ("Năng lực hôm nay (xe)", "Capacity today (trucks)"),
    "col_booked_today": ("Đã đặt hôm nay", "Booked today"),
    "col_status": ("Trạng thái", "Status"),
    "col_estimated_wait": ("Chờ ước tính", "Estimated wait"),
    "col_warning": ("Mức cảnh báo", "Warning"),
    "open_now": ("Đang mở", "Open"),
    "closed_now": ("Đang đóng", "Closed"),
    "wait_error": ("sai số ±{minutes} phút (90%)", "error ±{minutes} min (90%)"),
    "wait_no_error_yet": ("chưa đo được sai số", "error not measured yet"),
    "wait_no_window": ("không còn khung giờ trống", "no free window"),
    "wait_no_gates": ("Chưa có cửa khẩu nào mở.", "No gates are open."),
    "duration_hm": ("{hours} giờ {minutes} phút", "{hours} h {minutes} min"),
    "duration_m": ("{minutes} phút", "{minutes} min"),
    "direction_export": ("Xuất khẩu (VN → TQ)", "Export (VN → CN)"),
    "direction_import": ("Nhập khẩu (TQ → VN)", "Import (CN → VN)"),
    "warning_green": ("Xanh", "Green"),
    "warning_yellow": ("Vàng", "Yellow"),
    "warning_orange": ("Cam", "Orange"),
    "warning_red": ("Đỏ", "Red"),
    "state_booked": ("Đã đặt lịch", "Booked"),
    "state_arrived": ("Đã vào bãi", "Arrived"),
    "state_declared": ("Đã khai báo", "Declared"),
    "state_cleared": ("Đã thông quan", "Cleared"),
    "state_held": ("Tạm giữ", "Held"),
    "state_called": ("Đã gọi vào cửa khẩu", "Called"),
    "state_crossed": ("Đã qua biên giới", "Crossed"),
    "state_returned": ("Đã quay về", "Returned"),
    "state_cancelled": ("Đã hủy", "Cancelled"),
    "state_no_show": ("Không đến", "No-show"),
    "state_rejected": ("Bị từ chối", "Rejected"),
    "regime_export": ("Xuất khẩu", "Export"),
    "regime_import": ("Nhập khẩu", "Import"),
    "regime_re_export": ("Tạm nhập tái xuất", "Re-export"),
    "regime_transit": ("Quá cảnh", "Transit"),
    # Enterprise pages.
    "my_title": ("Chuyến qua cửa khẩu của tôi", "My crossings"),
    "my_none": ("Chưa có chuyến nào.", "No crossings yet."),
    "my_booked_notice": (
        "Đã đặt lịch chuyến #{id}, xe {plate}.",
        "Crossing #{id} is booked for {plate}.",
    ),
    "col_crossing": ("Chuyến", "Crossing"),
    "col_plate": ("Biển số", "Plate"),
    "col_state": ("Trạng thái", "State"),
    "col_window": ("Khung giờ", "Window"),
    "col_position": ("Vị trí", "Position"),
    "col_estimate": ("Dự kiến qua", "Estimated crossing"),
    "no_window_yet": ("đang chờ khung giờ trống", "waiting for a free window"),
    "book_title": ("Đặt lịch qua cửa khẩu", "Book a crossing"),
    "book_vehicle": ("Phương tiện", "Vehicle"),
    "book_no_vehicles": (
        "Doanh nghiệp chưa đăng ký phương tiện nào.",
        "Your company has no vehicles registered yet.",
    ),
    "book_gate": ("Cửa khẩu", "Gate"),
    "book_direction": ("Chiều", "Direction"),
    "book_regime": ("Loại hình", "Regime"),
    "book_day": ("Ngày (dd/mm/yyyy)", "Day (dd/mm/yyyy)"),
    "book_cargo": ("Hàng hóa", "Cargo"),
    "book_cargo_line": ("Dòng hàng {n}", "Cargo line {n}"),
    "book_hs_code": ("Mã HS (4–10 chữ số)", "HS code (4–10 digits)"),
    "book_description": ("Mô tả hàng", "Description"),
    "book_packages": ("Số kiện", "Packages"),
    "book_weight": ("Trọng lượng (kg)", "Weight (kg)"),
    "book_value": ("Trị giá (USD)", "Value (USD)"),
    "book_perishable": ("Nông sản tươi (ưu tiên)", "Perishable (priority)"),
    "book_add_line": ("Thêm dòng hàng", "Add a cargo line"),
    "book_windows": ("Khung giờ", "Window"),
    "book_show_windows": ("Xem khung giờ trống", "Show free windows"),
    "book_earliest": ("Khung giờ trống sớm nhất", "The earliest free window"),
    "book_free": ("còn {free}/{capacity} chỗ", "{free} of {capacity} free"),
    "book_free_count": ("còn {free} chỗ", "{free} free"),
    "book_full": ("hết chỗ", "full"),
    "book_closed": ("đóng", "closed"),
    "book_submit": ("Đặt lịch", "Book"),
    "book_errors": ("Chưa đặt được lịch:", "Not booked:"),
    "book_next_free": ("Khung giờ còn trống tiếp theo:", "The next free windows:"),
    "date_invalid_day": ("Ngày phải có dạng dd/mm/yyyy.", "A day is written dd/mm/yyyy."),
    "china_time": ("giờ TQ {time}", "China {time}"),
    # Gate console.
    "gate_title": ("Bàn điều hành cửa khẩu", "Gate console"),
    "gate_choose": ("Chọn cửa khẩu và chiều", "Choose a gate and direction"),
    "gate_show": ("Xem", "Show"),
    "gate_none_active": ("Chưa có cửa khẩu nào mở.", "No gates are open."),
    "gate_queue_title": ("Hàng đợi", "Queue"),
    "gate_queue_count": ("{count} xe trong hàng đợi", "{count} trucks in the queue"),
    "gate_queue_empty": ("Không có xe nào trong hàng đợi.", "No trucks in the queue."),
    "col_priority_class": ("Nhóm ưu tiên", "Priority class"),
    "gate_call_title": ("Gọi xe vào cửa khẩu", "Call trucks to the gate"),
    "gate_call_count": ("Số xe", "Number of trucks"),
    "gate_call_submit": ("Gọi xe tiếp theo", "Call the next trucks"),
    "gate_called": ("Đã gọi {count} xe vào cửa khẩu.", "{count} trucks called to the gate."),
    "gate_capacity_title": ("Điều chỉnh năng lực", "Capacity change"),
    "gate_capacity_lead": (
        "Đóng cửa, giảm theo hệ số hoặc đặt số xe mỗi khung giờ cho một ngày hoặc một "
        "giai đoạn. “Xem trước” cho biết xe nào phải chuyển khung giờ mà chưa lưu gì.",
        "Close, scale by a factor or set the trucks per window for a day or a period. "
        "“Preview” shows which trucks would move, without saving anything.",
    ),
    "gate_capacity_errors": ("Chưa thực hiện được:", "Not done:"),
    "gate_kind": ("Loại điều chỉnh", "Kind"),
    "gate_kind_closure": ("Đóng cửa", "Closure"),
    "gate_kind_factor": ("Hệ số (vd. 0,5 = giảm một nửa)", "Factor (e.g. 0.5 halves it)"),
    "gate_kind_capacity": ("Số xe mỗi khung giờ", "Trucks per window"),
    "gate_value": ("Giá trị (hệ số hoặc số xe)", "Value (factor or trucks)"),
    "gate_scope": ("Áp dụng cho", "Applies to"),
    "gate_scope_one": ("Chỉ chiều {direction}", "Only {direction}"),
    "gate_scope_both": ("Cả hai chiều", "Both directions"),
    "gate_starts_on": ("Từ ngày (dd/mm/yyyy)", "From day (dd/mm/yyyy)"),
    "gate_ends_on": (
        "Đến ngày (dd/mm/yyyy, bỏ trống = một ngày)",
        "To day (dd/mm/yyyy, empty = one day)",
    ),
    "gate_from_time": ("Từ giờ (HH:MM, không bắt buộc)", "From time (HH:MM, optional)"),
    "gate_to_time": ("Đến giờ (HH:MM, không bắt buộc)", "To time (HH:MM, optional)"),
    "gate_reason": ("Lý do", "Reason"),
    "gate_preview": ("Xem trước", "Preview"),
    "gate_save": ("Lưu", "Save"),
    "gate_preview_count": (
        "{count} xe sẽ phải chuyển khung giờ.",
        "{count} trucks would move to another window.",
    ),
    "gate_preview_not_saved": (
        "Đây là bản xem trước: chưa lưu gì.",
        "This is a preview: nothing is saved.",
    ),
    "gate_from_window": ("Khung giờ cũ", "From window"),
    "gate_to_window": ("Khung giờ mới", "To window"),
    "gate_saved": (
        "Đã lưu điều chỉnh năng lực; {moved} xe được chuyển khung giờ.",
        "Capacity change saved; {moved} trucks moved to another window.",
    ),
    "gate_alerts_title": ("Cảnh báo đọc biển số", "Plate-read alerts"),
    "gate_alerts_none": ("Không có cảnh báo nào đang mở.", "No open alerts."),
    "gate_resolution": ("Cách xử lý", "Resolution"),
    "gate_resolve": ("Đã xử lý", "Resolve"),
    "gate_alert_resolved": ("Đã xử lý cảnh báo #{id}.", "Alert #{id} resolved."),
}


def page_language(conn: HTTPConnection) -> str:
    """``?lang=`` first, then the cookie the language link set, then the browser."""
    query = conn.query_params.get("lang")
    if query in LANGUAGES:
        return query
    cookie = conn.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return pick_language(conn)


def translate(key: str, language: str, **params: Any) -> str:
    pair = PAGE_MESSAGES.get(key)
    if pair is None:
        return core_translate(key, language, **params)
    template = pair[0] if language == "vi" else pair[1]
    return template.format(**params) if params else template


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234567.5 → ``1.234.567,5``: Vietnamese separators, the zone's own convention."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans({",": ".", ".": ","}))


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(ZONE_TZ)
    return value.strftime("%d/%m/%Y")


def format_time(value: datetime | None, language: str, with_china: bool = False) -> str:
    """``14:00`` in Vietnam; with ``with_china`` also ``(giờ TQ 15:00)``."""
    if value is None:
        return "—"
    local = value.astimezone(ZONE_TZ).strftime("%H:%M")
    if not with_china:
        return local
    china = value.astimezone(CHINA_TZ).strftime("%H:%M")
    return f"{local} ({translate('china_time', language, time=china)})"


def format_datetime(value: datetime | None, language: str, with_china: bool = False) -> str:
    if value is None:
        return "—"
    return f"{format_date(value)} {format_time(value, language, with_china)}"


def format_minutes(minutes: float | None, language: str) -> str:
    if minutes is None:
        return "—"
    whole = round(minutes)
    if whole < 60:
        return translate("duration_m", language, minutes=whole)
    return translate("duration_hm", language, hours=whole // 60, minutes=whole % 60)
