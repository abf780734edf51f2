"""User-facing messages, Vietnamese first, English available.

Keys are stable codes that also appear in API problem responses, so integrators
can match on them whatever the language.
"""

from collections.abc import Mapping
from typing import Any

from starlette.requests import HTTPConnection

LANGUAGES = ("vi", "en")

MESSAGES: Mapping[str, tuple[str, str]] = {
    # Titles by HTTP status.
    "status_400": ("Yêu cầu không hợp lệ", "Bad request"),
    "status_401": ("Chưa đăng nhập", "Not authenticated"),
    "status_403": ("Không có quyền", "Forbidden"),
    "status_404": ("Không tìm thấy", "Not found"),
    "status_405": ("Phương thức không được hỗ trợ", "Method not allowed"),
    "status_409": ("Xung đột dữ liệu", "Conflict"),
    "status_422": ("Dữ liệu không hợp lệ", "Invalid input"),
    "status_429": ("Quá nhiều yêu cầu", "Too many requests"),
    "status_500": ("Lỗi hệ thống", "Internal error"),
    # Pages.
    "app_name": ("Cửa khẩu số", "cuakhau digital border gate"),
    "nav_api_docs": ("Tài liệu API", "API docs"),
    "nav_other_language": ("English", "Tiếng Việt"),
    "home_lead": (
        "Hệ thống quản lý cửa khẩu số: phương tiện, đặt lịch qua cửa khẩu, bến bãi, "
        "thông quan và báo cáo cho Ban Quản lý.",
        "The digital border gate: vehicles, crossing bookings, yards, clearance and "
        "reports for the management board.",
    ),
    "home_gates": ("Các cửa khẩu", "Gates"),
    "home_no_gates": ("Chưa có cửa khẩu nào.", "No gates yet."),
    "home_for_integrators": ("Dành cho hệ thống tích hợp", "For integrators"),
    "home_api_hint": (
        "Mọi trạng thái đều đọc và ghi được qua API:",
        "Every state can be read and written through the API:",
    ),
    "col_gate": ("Cửa khẩu", "Gate"),
    "col_kind": ("Loại", "Kind"),
    "col_counterpart": ("Cửa khẩu đối diện (Trung Quốc)", "Opposite gate (China)"),
    "col_hours": ("Giờ làm việc", "Opening hours"),
    "gate_kind_international": ("Quốc tế", "International"),
    "gate_kind_main": ("Chính", "Main"),
    "gate_kind_secondary": ("Phụ", "Secondary"),
    "gate_kind_crossing_point": ("Lối mở", "Crossing point"),
    "gate_mode_road": ("Đường bộ", "Road"),
    "gate_mode_rail": ("Đường sắt", "Rail"),
    # General.
    "not_found": ("Không tìm thấy {entity} #{id}.", "{entity} #{id} not found."),
    "route_not_found": ("Không có địa chỉ này.", "There is no such address."),
    "validation_failed": (
        "Dữ liệu gửi lên có {count} lỗi; xem chi tiết từng trường.",
        "The request has {count} error(s); see the details for each field.",
    ),
    "duplicate": (
        "Đã có {entity} với {field} = {value}.",
        "A {entity} with {field} = {value} already exists.",
    ),
    "conflict_integrity": (
        "Thay đổi vi phạm ràng buộc dữ liệu (trùng mã hoặc tham chiếu không tồn tại).",
        "The change breaks a data constraint (a duplicate code or a missing reference).",
    ),
    "referenced_missing": (
        "{entity} #{id} không tồn tại hoặc đã ngừng hoạt động.",
        "{entity} #{id} does not exist or is inactive.",
    ),
    "internal_error": (
        "Đã xảy ra lỗi hệ thống; không có dữ liệu nào bị thay đổi.",
        "Something went wrong on our side; nothing was changed.",
    ),
    # Accounts.
    "not_authenticated": (
        "Cần đăng nhập (thiếu hoặc sai mã truy cập).",
        "Log in first (the access token is missing or invalid).",
    ),
    "token_expired": (
        "Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.",
        "The session has expired; log in again.",
    ),
    "token_revoked": (
        "Mã truy cập đã bị thu hồi.",
        "The access token has been revoked.",
    ),
    "account_disabled": ("Tài khoản đã bị khóa.", "The account is disabled."),
    "bad_credentials": (
        "Sai tên đăng nhập hoặc mật khẩu.",
        "Wrong username or password.",
    ),
    "login_throttled": (
        "Đăng nhập sai quá nhiều lần; thử lại sau {seconds} giây.",
        "Too many failed logins; try again in {seconds} seconds.",
    ),
    "role_forbidden": (
        "Vai trò {role} không được phép thực hiện thao tác này.",
        "The role {role} may not do this.",
    ),
    "enterprise_role_needs_enterprise": (
        "Tài khoản vai trò doanh nghiệp phải gắn với một doanh nghiệp.",
        "An enterprise account must be bound to one enterprise.",
    ),
    "only_enterprise_roles_bind": (
        "Chỉ tài khoản doanh nghiệp hoặc bến bãi mới gắn với doanh nghiệp.",
        "Only enterprise and yard-operator accounts are bound to an enterprise.",
    ),
    "camera_has_no_password": (
        "Tài khoản camera dùng mã API, không dùng mật khẩu.",
        "Camera accounts use an API token, not a password.",
    ),
    "password_required": (
        "Tài khoản này cần mật khẩu.",
        "This account needs a password.",
    ),
    "password_too_short": (
        "Mật khẩu phải có ít nhất {min} ký tự.",
        "The password must be at least {min} characters long.",
    ),
    "cannot_disable_self": (
        "Không thể tự khóa tài khoản của chính mình.",
        "You cannot disable your own account.",
    ),
    "yard_operator_role_missing": (
        "Doanh nghiệp {tax_code} chưa được đăng ký vai trò khai thác bến bãi.",
        "Enterprise {tax_code} is not registered as a yard operator.",
    ),
    # Crossings.
    "illegal_move": (
        "Không thể chuyển chuyến #{id} từ trạng thái {from_state} sang {to_state}.",
        "Crossing #{id} cannot move from {from_state} to {to_state}.",
    ),
    "changed_meanwhile": (
        "Dữ liệu vừa được người khác cập nhật; không có gì bị thay đổi. Hãy tải lại và thử lại.",
        "Someone else changed this meanwhile; nothing was changed. Reload and try again.",
    ),
    "unknown_plate": (
        "Biển số {plate} chưa được đăng ký phương tiện.",
        "Plate {plate} is not a registered vehicle.",
    ),
    "window_full": (
        "Khung giờ {starts_at} đã kín chỗ; xem các khung giờ còn trống.",
        "The window at {starts_at} is full; see the next free windows.",
    ),
    "window_not_bookable": (
        "Không thể đặt khung giờ #{id}: sai cửa khẩu, chiều, đã qua hoặc ngoài thời hạn đặt.",
        "Window #{id} cannot be booked: another gate or direction, past, or beyond the horizon.",
    ),
    "no_free_window": (
        "Không còn khung giờ trống trong {days} ngày tới.",
        "No free window in the next {days} days.",
    ),
    "gate_direction": (
        "Cửa khẩu này không làm thủ tục chiều {direction}.",
        "This gate does not handle the {direction} direction.",
    ),
    "no_priority_classes": (
        "Chưa cấu hình nhóm ưu tiên; quản trị viên cần nạp dữ liệu tham chiếu.",
        "No priority classes are configured; an admin must load the reference data.",
    ),
    "rule_open_bookings": (
        "Quy tắc: xe {plate} đã có {limit} lượt đặt chưa hoàn tất (tối đa {limit}).",
        "Rule: vehicle {plate} already has {limit} open booking(s) (the limit).",
    ),
    "rule_cancel_cutoff": (
        "Quy tắc: chỉ được hủy trước giờ bắt đầu ít nhất {minutes} phút.",
        "Rule: bookings can be cancelled until {minutes} minutes before the window.",
    ),
    "rule_peak_share": (
        "Quy tắc: tỷ lệ không đến của doanh nghiệp vượt ngưỡng; "
        "tối đa {limit} xe mỗi khung giờ cao điểm.",
        "Rule: the enterprise's no-show rate is over the threshold; "
        "at most {limit} trucks per peak window.",
    ),
    "rule_class_share": (
        "Quy tắc: nhóm {priority_class} được tối đa {limit} xe mỗi khung giờ.",
        "Rule: the {priority_class} class may hold at most {limit} trucks per window.",
    ),
    "period_too_long": (
        "Khoảng thời gian hỏi tối đa {days} ngày, và ngày cuối không trước ngày đầu.",
        "Ask for at most {days} days, the last not before the first.",
    ),
    "override_in_past": (
        "Không thể điều chỉnh năng lực cho những ngày đã qua.",
        "Capacity cannot be changed for days that have passed.",
    ),
    "date_order": (
        "Ngày đầu không được sau ngày cuối.",
        "The first day must not be after the last.",
    ),
    "override_value": (
        "Điều chỉnh theo hệ số hoặc số xe cần có giá trị.",
        "A factor or a capacity override needs a value.",
    ),
    "windows_overlap": (
        "Các khung giờ bị chồng nhau vào thứ {weekday} (0 = thứ Hai).",
        "Windows overlap on weekday {weekday} (0 = Monday).",
    ),
    # Schema.
    "schema_outdated": (
        "Cơ sở dữ liệu chưa được cập nhật (đang ở {current}, cần {head}). Chạy: cuakhau db upgrade",
        "The database schema is out of date (at {current}, needs {head}). Run: cuakhau db upgrade",
    ),
    # Field validation (codes shared with pydantic error types).
    "null_not_allowed": (
        "Trường {field} không được để trống.",
        "The field {field} cannot be empty.",
    ),
    "missing": ("Trường này là bắt buộc.", "This field is required."),
    "extra_forbidden": ("Trường này không được phép.", "This field is not allowed."),
    "string_too_long": (
        "Dài quá {max_length} ký tự.",
        "Longer than {max_length} characters.",
    ),
    "string_too_short": (
        "Cần ít nhất {min_length} ký tự.",
        "Needs at least {min_length} characters.",
    ),
    "string_type": ("Phải là chuỗi ký tự.", "Must be text."),
    "int_parsing": ("Phải là số nguyên.", "Must be a whole number."),
    "int_type": ("Phải là số nguyên.", "Must be a whole number."),
    "float_parsing": ("Phải là số.", "Must be a number."),
    "decimal_parsing": ("Phải là số.", "Must be a number."),
    "bool_parsing": ("Phải là true hoặc false.", "Must be true or false."),
    "greater_than_equal": ("Phải lớn hơn hoặc bằng {ge}.", "Must be at least {ge}."),
    "less_than_equal": ("Phải nhỏ hơn hoặc bằng {le}.", "Must be at most {le}."),
    "greater_than": ("Phải lớn hơn {gt}.", "Must be greater than {gt}."),
    "enum": ("Phải là một trong: {expected}.", "Must be one of: {expected}."),
    "time_parsing": ("Giờ không hợp lệ (dạng HH:MM).", "Invalid time (use HH:MM)."),
    "url_parsing": ("Địa chỉ URL không hợp lệ.", "Invalid URL."),
    "url_scheme": ("URL phải bắt đầu bằng http hoặc https.", "The URL must use http or https."),
    "json_invalid": ("Nội dung JSON không hợp lệ.", "The body is not valid JSON."),
    "model_attributes_type": ("Cần một đối tượng.", "Must be an object."),
    "dict_type": ("Cần một đối tượng.", "Must be an object."),
    "list_type": ("Cần một danh sách.", "Must be a list."),
    "plate_invalid": (
        "Biển số '{plate}' không hợp lệ (ví dụ: 12C-123.45 hoặc 桂A12345).",
        "Plate '{plate}' is not valid (e.g. 12C-123.45 or 桂A12345).",
    ),
    "tax_code_invalid": (
        "Mã số thuế '{tax_code}' không hợp lệ: cần 10 chữ số, hoặc 10 chữ số + '-' + 3 chữ số.",
        "Tax code '{tax_code}' is not valid: 10 digits, or 10 digits + '-' + 3 digits.",
    ),
    "tax_code_checksum": (
        "Mã số thuế '{tax_code}' sai chữ số kiểm tra.",
        "Tax code '{tax_code}' has a wrong check digit.",
    ),
    "phone_invalid": (
        "Số điện thoại '{phone}' không hợp lệ.",
        "Phone number '{phone}' is not valid.",
    ),
    "id_number_invalid": (
        "Số giấy tờ '{id_number}' không hợp lệ với quốc tịch {nationality}.",
        "ID number '{id_number}' is not valid for nationality {nationality}.",
    ),
    "country_invalid": (
        "Mã quốc gia '{country}' không hợp lệ (ISO 3166, ví dụ VN, CN).",
        "Country code '{country}' is not valid (ISO 3166, e.g. VN, CN).",
    ),
    "hours_order": (
        "Giờ mở cửa phải trước giờ đóng cửa.",
        "Opening time must be before closing time.",
    ),
    "no_direction": (
        "Cửa khẩu phải phục vụ ít nhất một chiều (xuất hoặc nhập).",
        "A gate must handle at least one direction (export or import).",
    ),
    "trailer_same_as_plate": (
        "Biển số rơ-moóc phải khác biển số xe.",
        "The trailer plate must differ from the vehicle plate.",
    ),
    "roles_empty": (
        "Doanh nghiệp cần ít nhất một vai trò.",
        "An enterprise needs at least one role.",
    ),
    # Fees, notifications, live updates.
    "tariff_payload_range": (
        "Khoảng tải trọng không hợp lệ: tải trọng tối thiểu phải nhỏ hơn tối đa.",
        "Invalid payload range: the minimum must be below the maximum.",
    ),
    "tariff_dates": (
        "Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
        "The end date must not be before the start date.",
    ),
    "tariff_overlap": (
        "Đã có dòng biểu phí {code} có hiệu lực trong cùng thời gian; hãy kết thúc dòng cũ trước.",
        "Another line of tariff {code} is in force over the same dates; close the old one first.",
    ),
    "tariff_in_use": (
        "Dòng biểu phí #{id} đã được dùng để tính phí; chỉ có thể đặt ngày hết hiệu lực "
        "hoặc sửa mô tả. Mức phí mới cần một dòng mới.",
        "Tariff line #{id} has priced crossings; only its end date and description may "
        "change. A new price needs a new line.",
    ),
    "tariff_ends_before_use": (
        "Dòng biểu phí #{id} đã được dùng ngày {day}; không thể kết thúc trước ngày đó.",
        "Tariff line #{id} was used on {day}; it cannot end before that day.",
    ),
    "enterprise_id_required": (
        "Cần chỉ rõ doanh nghiệp (enterprise_id).",
        "Say which enterprise (enterprise_id).",
    ),
    # Plate reads and alerts.
    "plate_alert_unreadable": (
        "Không đọc được biển số '{plate}' tại điểm {point}.",
        "Plate '{plate}' at {point} could not be read as a plate.",
    ),
    "plate_alert_low_confidence": (
        "Biển số {plate} tại điểm {point} đọc với độ tin cậy thấp ({confidence}); cần kiểm tra.",
        "Plate {plate} at {point} was read with low confidence ({confidence}); check it.",
    ),
    "plate_alert_unknown_plate": (
        "Biển số {plate} tại điểm {point} không có trong hệ thống.",
        "Plate {plate} at {point} is not registered.",
    ),
    "plate_alert_no_open_crossing": (
        "Xe {plate} tại điểm {point} không có chuyến nào đang mở.",
        "Vehicle {plate} at {point} has no open crossing.",
    ),
    "plate_alert_illegal_move": (
        "Xe {plate} tại điểm {point}: chuyến #{id} đang ở trạng thái {from_state}, "
        "không thể chuyển sang {to_state}.",
        "Vehicle {plate} at {point}: crossing #{id} is {from_state} and cannot move to {to_state}.",
    ),
    "plate_alert_out_of_order": (
        "Xe {plate} tại điểm {point}: lần đọc có trước bước hiện tại của chuyến #{id}.",
        "Vehicle {plate} at {point}: the read predates crossing #{id}'s current step.",
    ),
    "plate_alert_resolved": (
        "Cảnh báo #{id} đã được xử lý.",
        "Alert #{id} is already resolved.",
    ),
    "plate_alert_move_incomplete": (
        "Muốn ghi nhận chuyển trạng thái cần cả crossing_id và to_state.",
        "Recording a move needs both crossing_id and to_state.",
    ),
    "plate_alert_move_not_allowed": (
        "Qua cảnh báo chỉ ghi nhận được: arrived, crossed, returned.",
        "An alert can record only: arrived, crossed, returned.",
    ),
    # Yard visits.
    "vehicle_plate_unknown": (
        "Không có phương tiện nào mang biển số {plate}; hãy đăng ký phương tiện trước.",
        "No vehicle has plate {plate}; register the vehicle first.",
    ),
    "yard_inactive": ("Bãi {yard} đã ngừng hoạt động.", "Yard {yard} is inactive."),
    "yard_full": (
        "Bãi {yard} hết chỗ cho xe loại {vehicle_class}. Bãi còn chỗ: {yards}.",
        "Yard {yard} has no space for a {vehicle_class} vehicle. Yards with room: {yards}.",
    ),
    "yard_full_everywhere": (
        "Bãi {yard} hết chỗ cho xe loại {vehicle_class}, các bãi khác của cửa khẩu cũng hết chỗ.",
        "Yard {yard} has no space for a {vehicle_class} vehicle, nor has any other yard "
        "at this gate.",
    ),
    "yard_cold_full": (
        "Bãi {yard} hết chỗ có điện cho xe lạnh ({spaces} chỗ).",
        "Yard {yard} has no powered space for a refrigerated truck left ({spaces} spaces).",
    ),
    "already_in_yard": (
        "Xe {plate} đang ở bãi #{yard_id}, chưa ra.",
        "Vehicle {plate} is still in yard #{yard_id}; check it out first.",
    ),
    "not_in_yard": (
        "Xe {plate} không có trong bãi {yard}.",
        "Vehicle {plate} is not in yard {yard}.",
    ),
    # Investment portfolio.
    "investor_unknown": (
        "Không có nhà đầu tư mã {code}.",
        "There is no investor with code {code}.",
    ),
    "investor_repeated": ("Nhà đầu tư bị ghi trùng.", "An investor is listed twice."),
    "project_unknown": ("Không có dự án mã {code}.", "There is no project with code {code}."),
    "tax_code_required": (
        "Doanh nghiệp Việt Nam phải có mã số thuế.",
        "A Vietnamese company needs its tax code.",
    ),
    "fdi_needs_usd": (
        "Dự án FDI cần vốn đăng ký USD và tỷ giá của giấy chứng nhận.",
        "A foreign-invested project needs its USD capital and the certificate's rate.",
    ),
    "domestic_without_usd": (
        "Dự án trong nước không ghi vốn USD hay tỷ giá.",
        "A domestic project has no USD capital or rate.",
    ),
    "not_for_kind": (
        "Trường này không dùng cho loại điều chỉnh này.",
        "This field does not belong to this kind of amendment.",
    ),
    "registration_not_amendment": (
        "Đăng ký dự án được ghi khi tạo dự án, không phải bằng điều chỉnh.",
        "A registration is made by creating the project, not by an amendment.",
    ),
    "registration_differs": (
        "Dự án {code} đã đăng ký với giá trị khác; thay đổi phải ghi bằng điều chỉnh.",
        "Project {code} was registered with another value; record a change as an amendment.",
    ),
    "amendment_exists": (
        "Đã có điều chỉnh {kind} ngày {date} khác nội dung.",
        "A different {kind} amendment dated {date} is already recorded.",
    ),
    "before_certificate": (
        "Ngày này trước ngày cấp giấy chứng nhận đầu tư ({date}).",
        "This date is before the investment certificate ({date}).",
    ),
    "since_required": (
        "Cần ngày bắt đầu (since) không sau ngày báo cáo.",
        "Give a start date (since) no later than the report date.",
    ),
    "import_rejected": (
        "Tệp có {count} lỗi; không có dữ liệu nào được nhập.",
        "The file has {count} problem(s); nothing was imported.",
    ),
    "file_unreadable": ("Không đọc được tệp XLSX.", "The XLSX file cannot be read."),
    "file_not_utf8": ("Tệp CSV phải mã hóa UTF-8.", "A CSV file must be UTF-8."),
    "sheet_unknown": (
        "Trang tính không thuộc mẫu nhập (investors, projects, amendments).",
        "The sheet is not part of the layout (investors, projects, amendments).",
    ),
    "sheet_not_recognised": (
        "Không nhận ra loại bảng từ dòng tiêu đề.",
        "The header row does not match any sheet of the layout.",
    ),
    "column_unknown": ("Cột không có trong mẫu.", "The column is not in the layout."),
    "column_missing": ("Thiếu cột bắt buộc.", "A required column is missing."),
    "duplicate_in_file": (
        "Mã này đã có ở dòng {row} của tệp.",
        "This code is already on row {row} of the file.",
    ),
    "number_invalid": (
        "Không đọc được số (ví dụ hợp lệ: 3.033,8 hoặc 3033.8).",
        "Not a number (valid examples: 3.033,8 or 3033.8).",
    ),
    "number_not_whole": ("Số tiền VND phải là số nguyên.", "A VND amount must be whole."),
    "date_invalid": (
        "Không đọc được ngày (dd/mm/yyyy hoặc yyyy-mm-dd).",
        "Not a date (dd/mm/yyyy or yyyy-mm-dd).",
    ),
    "bool_invalid": ("Phải là có/không.", "Must be yes or no."),
    "inv_contact_office": (
        "Ban Quản lý Khu kinh tế cửa khẩu {zone}",
        "Management Board of the {zone} border-gate economic zone",
    ),
    "inv_report_summary": (
        "Danh mục dự án đầu tư: tổng hợp",
        "Investment portfolio: summary",
    ),
    "inv_report_milestones": ("Tiến độ dự án theo mốc", "Progress against milestones"),
    "inv_report_disbursement": ("Giải ngân so với vốn đăng ký", "Disbursed against registered"),
    "inv_report_change": ("Thay đổi giữa hai ngày", "Change between two dates"),
    "inv_report_as_of": ("Số liệu đến ngày {date}", "Figures as of {date}"),
    "inv_table_ownership": (
        "Theo nguồn vốn (dự án còn hiệu lực)",
        "By ownership (projects in force)",
    ),
    "inv_table_sectors": ("Theo lĩnh vực", "By sector"),
    "inv_table_areas": ("Theo khu chức năng", "By functional zone"),
    "inv_table_key_projects": ("Dự án trọng điểm", "Key projects"),
    "inv_table_status": ("Theo tình trạng", "By status"),
    "inv_table_milestones": ("Mốc tiến độ (chậm nhất trước)", "Milestones (latest first)"),
    "inv_table_disbursement": ("Giải ngân theo nguồn vốn", "Disbursement by ownership"),
    "inv_table_disbursement_projects": ("Giải ngân theo dự án", "Disbursement by project"),
    "inv_table_change": ("Thay đổi theo nhóm", "Change by group"),
    "inv_table_amendments": ("Các điều chỉnh trong kỳ", "Amendments in the period"),
    "inv_col_label": ("Nhóm / dự án", "Group / project"),
    "inv_col_code": ("Mã dự án", "Project code"),
    "inv_col_projects": ("Số dự án", "Projects"),
    "inv_col_projects_since": ("Số dự án đầu kỳ", "Projects at start"),
    "inv_col_projects_change": ("Tăng/giảm dự án", "Change in projects"),
    "inv_col_capital_vnd": ("Vốn đăng ký (VND)", "Registered capital (VND)"),
    "inv_col_capital_vnd_since": ("Vốn đăng ký đầu kỳ (VND)", "Registered at start (VND)"),
    "inv_col_capital_vnd_change": ("Tăng/giảm vốn (VND)", "Change in capital (VND)"),
    "inv_col_capital_usd": ("Vốn đăng ký (USD)", "Registered capital (USD)"),
    "inv_col_disbursed_vnd": ("Đã giải ngân (VND)", "Disbursed (VND)"),
    "inv_col_disbursed_share": ("Tỷ lệ giải ngân", "Disbursed share"),
    "inv_col_sector": ("Lĩnh vực", "Sector"),
    "inv_col_area": ("Khu chức năng", "Functional zone"),
    "inv_col_status": ("Tình trạng", "Status"),
    "inv_col_domestic": ("Trong nước", "Domestic"),
    "inv_col_fdi": ("FDI", "FDI"),
    "inv_col_milestone": ("Mốc", "Milestone"),
    "inv_col_planned_on": ("Kế hoạch", "Planned"),
    "inv_col_reached_on": ("Thực tế", "Actual"),
    "inv_col_days_late": ("Số ngày chậm", "Days late"),
    "inv_col_effective_on": ("Ngày hiệu lực", "Effective"),
    "inv_col_kind": ("Loại điều chỉnh", "Amendment"),
    "inv_col_detail": ("Nội dung", "Detail"),
    "inv_group_domestic": ("Dự án trong nước", "Domestic projects"),
    "inv_group_fdi": ("Dự án FDI", "Foreign-invested projects"),
    "inv_group_total": ("Tổng cộng", "Total"),
    "inv_sector_zone_infrastructure": ("Hạ tầng khu chức năng", "Functional-zone infrastructure"),
    "inv_sector_yard": ("Bến bãi", "Yards"),
    "inv_sector_trade_services": ("Thương mại, dịch vụ", "Trade and services"),
    "inv_sector_logistics_warehousing": ("Logistics, kho bãi", "Logistics and warehousing"),
    "inv_sector_manufacturing": ("Sản xuất", "Manufacturing"),
    "inv_sector_urban_other": ("Đô thị và khác", "Urban and other"),
    "inv_area_goods_transshipment_zone": ("Khu trung chuyển hàng hóa", "Goods Transshipment Zone"),
    "inv_area_export_processing_zone_1": ("Khu chế xuất 1", "Export Processing Zone 1"),
    "inv_area_non_tariff_zone": ("Khu phi thuế quan", "Non-tariff Zone"),
    "inv_area_industrial_zone": ("Khu công nghiệp", "Industrial zone"),
    "inv_area_gate_area": ("Khu vực cửa khẩu", "Gate area"),
    "inv_area_urban_area": ("Khu đô thị", "Urban area"),
    "inv_area_other": ("Khu vực khác", "Other"),
    "inv_projectstatus_valid": ("Còn hiệu lực", "Valid"),
    "inv_projectstatus_suspended": ("Tạm ngừng", "Suspended"),
    "inv_projectstatus_terminated": ("Chấm dứt", "Terminated"),
    "inv_projectstatus_completed": ("Hoàn thành", "Completed"),
    "inv_milestone_land_handed_over": ("Bàn giao đất", "Land handed over"),
    "inv_milestone_construction_started": ("Khởi công", "Construction started"),
    "inv_milestone_in_operation": ("Đi vào hoạt động", "In operation"),
    "inv_amendmentkind_registered": ("Cấp giấy chứng nhận", "Registered"),
    "inv_amendmentkind_capital_adjusted": ("Điều chỉnh vốn", "Capital adjusted"),
    "inv_amendmentkind_status_changed": ("Thay đổi tình trạng", "Status changed"),
    "inv_amendmentkind_investors_replaced": ("Thay đổi nhà đầu tư", "Investors replaced"),
    "inv_amendmentkind_disbursement_reported": ("Báo cáo giải ngân", "Disbursement reported"),
    "inv_amendmentkind_milestone_planned": ("Điều chỉnh tiến độ", "Milestone planned"),
    "inv_amendmentkind_milestone_reached": ("Đạt mốc", "Milestone reached"),
}

ENTITY_NAMES: Mapping[str, tuple[str, str]] = {
    "gate": ("cửa khẩu", "gate"),
    "yard": ("bến bãi", "yard"),
    "enterprise": ("doanh nghiệp", "enterprise"),
    "vehicle": ("phương tiện", "vehicle"),
    "driver": ("lái xe", "driver"),
    "user": ("tài khoản", "user"),
    "crossing": ("chuyến qua cửa khẩu", "crossing"),
    "plate_alert": ("cảnh báo biển số", "plate alert"),
    "override": ("điều chỉnh năng lực", "capacity override"),
    "priority_class": ("nhóm ưu tiên", "priority class"),
    "token": ("mã truy cập", "token"),
    "tariff": ("dòng biểu phí", "tariff line"),
    "receipt": ("biên lai", "receipt"),
    "notification": ("thông báo", "notification"),
    "project": ("dự án đầu tư", "investment project"),
    "investor": ("nhà đầu tư", "investor"),
}


def pick_language(conn: HTTPConnection, default: str = "vi") -> str:
    """``?lang=`` first, then the Accept-Language header, then the default."""
    query = conn.query_params.get("lang")
    if query in LANGUAGES:
        return query
    header = conn.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


def translate(key: str, language: str, **params: Any) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    template = pair[0] if language == "vi" else pair[1]
    localised = {
        name: entity_name(value, language) if name == "entity" else value
        for name, value in params.items()
    }
    try:
        return template.format(**localised)
    except (KeyError, IndexError):
        return template


def entity_name(entity: str, language: str) -> str:
    pair = ENTITY_NAMES.get(entity)
    if pair is None:
        return entity
    return pair[0] if language == "vi" else pair[1]
