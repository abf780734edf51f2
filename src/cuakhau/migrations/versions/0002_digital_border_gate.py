"""digital border gate

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 04:33:27.725834
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cuakhau.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cancel_cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("late_grace_minutes", sa.Integer(), nullable=False),
        sa.Column("no_show_after_minutes", sa.Integer(), nullable=False),
        sa.Column("no_show_rate_threshold", sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column("no_show_min_bookings", sa.Integer(), nullable=False),
        sa.Column("no_show_period_days", sa.Integer(), nullable=False),
        sa.Column("peak_share_cap", sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column("peak_starts_at", sa.Time(), nullable=False),
        sa.Column("peak_ends_at", sa.Time(), nullable=False),
        sa.Column("max_open_bookings_per_vehicle", sa.Integer(), nullable=False),
        sa.Column("booking_horizon_days", sa.Integer(), nullable=False),
        sa.Column("warning_yellow", sa.Integer(), nullable=False),
        sa.Column("warning_orange", sa.Integer(), nullable=False),
        sa.Column("warning_red", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_policy")),
    )
    op.create_table(
        "priority_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column(
            "match",
            sa.Enum(
                "perishable", "empty", "other", name="prioritymatch", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("window_share", sa.Numeric(precision=4, scale=3), nullable=True),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_priority_class_rank_positive")),
        sa.CheckConstraint(
            "window_share IS NULL OR (window_share > 0 AND window_share <= 1)",
            name=op.f("ck_priority_class_share_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_class")),
        sa.UniqueConstraint("code", name=op.f("uq_priority_class_code")),
        sa.UniqueConstraint("match", name=op.f("uq_priority_class_match")),
    )
    op.create_table(
        "receipt_counter",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_receipt_counter")),
    )
    op.create_table(
        "tariff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("infrastructure", "yard", name="feekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column(
            "vehicle_class",
            sa.Enum(
                "small", "truck", "container", name="vehicleclass", native_enum=False, length=16
            ),
            nullable=True,
        ),
        sa.Column(
            "regime",
            sa.Enum(
                "export",
                "import_",
                "re_export",
                "transit",
                name="regime",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("min_payload_kg", sa.Integer(), nullable=True),
        sa.Column("max_payload_kg", sa.Integer(), nullable=True),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("per_hours", sa.Integer(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("is_illustrative", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("amount_vnd >= 0", name=op.f("ck_tariff_amount_non_negative")),
        sa.CheckConstraint(
            "effective_to IS NULL OR effective_from <= effective_to", name=op.f("ck_tariff_dates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariff")),
    )
    op.create_table(
        "capacity_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("export", "import_", name="direction", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "closure", "factor", "capacity", name="overridekind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("from_time", sa.Time(), nullable=True),
        sa.Column("to_time", sa.Time(), nullable=True),
        sa.Column("value", sa.Numeric(precision=10, scale=3), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_capacity_override_date_order")),
        sa.CheckConstraint(
            "value IS NULL OR value >= 0", name=op.f("ck_capacity_override_value_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_capacity_override_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_override")),
    )
    with op.batch_alter_table("capacity_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capacity_override_gate_id"), ["gate_id"], unique=False)

    op.create_table(
        "capacity_pattern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("export", "import_", name="direction", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_capacity_pattern_capacity_non_negative")),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_capacity_pattern_window_order")),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_capacity_pattern_weekday_range")
        ),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_capacity_pattern_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_pattern")),
        sa.UniqueConstraint(
            "gate_id", "direction", "weekday", "starts_at", name=op.f("uq_capacity_pattern_gate_id")
        ),
    )
    with op.batch_alter_table("capacity_pattern", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_capacity_pattern_gate_id"), ["gate_id"], unique=False)

    op.create_table(
        "crossing_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("export", "import_", name="direction", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("starts_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.CheckConstraint("booked <= capacity", name=op.f("ck_crossing_window_not_overbooked")),
        sa.CheckConstraint("booked >= 0", name=op.f("ck_crossing_window_booked_non_negative")),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_crossing_window_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crossing_window")),
        sa.UniqueConstraint(
            "gate_id", "direction", "starts_at", name=op.f("uq_crossing_window_gate_id")
        ),
    )
    with op.batch_alter_table("crossing_window", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crossing_window_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "crossing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column("trailer_plate", sa.String(length=16), nullable=True),
        sa.Column("driver_id", sa.Integer(), nullable=True),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("export", "import_", name="direction", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "regime",
            sa.Enum(
                "export",
                "import_",
                "re_export",
                "transit",
                name="regime",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("priority_class_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "booked",
                "arrived",
                "declared",
                "cleared",
                "held",
                "called",
                "crossed",
                "returned",
                "cancelled",
                "no_show",
                "rejected",
                name="crossingstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.Column("queued_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_walk_in", sa.Boolean(), nullable=False),
        sa.Column("yard_id", sa.Integer(), nullable=True),
        sa.Column("declaration_no", sa.String(length=32), nullable=True),
        sa.Column(
            "channel",
            sa.Enum("green", "yellow", "red", name="customschannel", native_enum=False, length=8),
            nullable=True,
        ),
        sa.Column("needs_quarantine", sa.Boolean(), nullable=False),
        sa.Column("hold_reason", sa.String(length=300), nullable=True),
        sa.Column("arrived_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("called_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("crossed_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            cuakhau.models.base.UtcDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["driver.id"], name=op.f("fk_crossing_driver_id_driver")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_crossing_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_crossing_gate_id_gate")),
        sa.ForeignKeyConstraint(
            ["priority_class_id"],
            ["priority_class.id"],
            name=op.f("fk_crossing_priority_class_id_priority_class"),
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicle.id"], name=op.f("fk_crossing_vehicle_id_vehicle")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["crossing_window.id"],
            name=op.f("fk_crossing_window_id_crossing_window"),
        ),
        sa.ForeignKeyConstraint(["yard_id"], ["yard.id"], name=op.f("fk_crossing_yard_id_yard")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crossing")),
    )
    with op.batch_alter_table("crossing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crossing_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_crossing_plate"), ["plate"], unique=False)
        batch_op.create_index("ix_crossing_queue", ["gate_id", "direction", "state"], unique=False)
        batch_op.create_index("ix_crossing_vehicle_state", ["vehicle_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_crossing_window_id"), ["window_id"], unique=False)

    op.create_table(
        "cargo_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column("hs_code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("weight_kg", sa.Integer(), nullable=False),
        sa.Column("value_usd", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("perishable", sa.Boolean(), nullable=False),
        sa.CheckConstraint("packages >= 0", name=op.f("ck_cargo_line_packages_non_negative")),
        sa.CheckConstraint("value_usd >= 0", name=op.f("ck_cargo_line_value_non_negative")),
        sa.CheckConstraint("weight_kg > 0", name=op.f("ck_cargo_line_weight_positive")),
        sa.ForeignKeyConstraint(
            ["crossing_id"],
            ["crossing.id"],
            name=op.f("fk_cargo_line_crossing_id_crossing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cargo_line")),
    )
    op.create_table(
        "crossing_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "booked",
                "arrived",
                "declared",
                "cleared",
                "held",
                "called",
                "crossed",
                "returned",
                "cancelled",
                "no_show",
                "rejected",
                name="crossingstate",
                native_enum=False,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "booked",
                "arrived",
                "declared",
                "cleared",
                "held",
                "called",
                "crossed",
                "returned",
                "cancelled",
                "no_show",
                "rejected",
                name="crossingstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_crossing_move_actor_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_crossing_move_crossing_id_crossing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crossing_move")),
    )
    with op.batch_alter_table("crossing_move", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crossing_move_crossing_id"), ["crossing_id"], unique=False
        )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=True),
        sa.Column(
            "event",
            sa.Enum(
                "booking_confirmed",
                "moved_by_replan",
                "called",
                "held",
                "released",
                "crossed",
                "lost_window",
                "cancelled",
                name="notificationevent",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("delivered_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_notification_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_notification_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_crossing_id"), ["crossing_id"], unique=False
        )
        batch_op.create_index(
            "ix_notification_due", ["delivered_at", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notification_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "plate_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("camera_user_id", sa.Integer(), nullable=False),
        sa.Column("read_id", sa.String(length=64), nullable=False),
        sa.Column("plate_as_read", sa.String(length=32), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=True),
        sa.Column(
            "point",
            sa.Enum(
                "yard_in",
                "yard_out",
                "gate_in",
                "border_out",
                "border_in",
                name="readpoint",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("gate_id", sa.Integer(), nullable=True),
        sa.Column("yard_id", sa.Integer(), nullable=True),
        sa.Column("read_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("confidence", sa.Numeric(precision=4, scale=3), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_user_id"],
            ["user_account.id"],
            name=op.f("fk_plate_read_camera_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_plate_read_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_plate_read_gate_id_gate")),
        sa.ForeignKeyConstraint(["yard_id"], ["yard.id"], name=op.f("fk_plate_read_yard_id_yard")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plate_read")),
        sa.UniqueConstraint("camera_user_id", "read_id", name=op.f("uq_plate_read_camera_user_id")),
    )
    with op.batch_alter_table("plate_read", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plate_read_crossing_id"), ["crossing_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plate_read_plate"), ["plate"], unique=False)
        batch_op.create_index(batch_op.f("ix_plate_read_read_at"), ["read_at"], unique=False)

    op.create_table(
        "queue_estimate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("given_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "estimated_crossing_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_queue_estimate_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(
            ["gate_id"], ["gate.id"], name=op.f("fk_queue_estimate_gate_id_gate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_estimate")),
    )
    with op.batch_alter_table("queue_estimate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_queue_estimate_crossing_id"), ["crossing_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_queue_estimate_gate_id"), ["gate_id"], unique=False)

    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("total_vnd", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_receipt_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_receipt_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
        sa.UniqueConstraint("crossing_id", name=op.f("uq_receipt_crossing_id")),
        sa.UniqueConstraint("number", name=op.f("uq_receipt_number")),
    )
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_receipt_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_receipt_issued_at"), ["issued_at"], unique=False)

    op.create_table(
        "window_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=False),
        sa.Column("from_window_id", sa.Integer(), nullable=True),
        sa.Column("to_window_id", sa.Integer(), nullable=True),
        sa.Column("at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_window_change_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(
            ["from_window_id"],
            ["crossing_window.id"],
            name=op.f("fk_window_change_from_window_id_crossing_window"),
        ),
        sa.ForeignKeyConstraint(
            ["to_window_id"],
            ["crossing_window.id"],
            name=op.f("fk_window_change_to_window_id_crossing_window"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_window_change")),
    )
    with op.batch_alter_table("window_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_window_change_crossing_id"), ["crossing_id"], unique=False
        )

    op.create_table(
        "yard_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("yard_id", sa.Integer(), nullable=False),
        sa.Column("crossing_id", sa.Integer(), nullable=True),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column(
            "vehicle_class",
            sa.Enum(
                "small", "truck", "container", name="vehicleclass", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("cold", sa.Boolean(), nullable=False),
        sa.Column("checked_in_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("checked_out_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["crossing_id"], ["crossing.id"], name=op.f("fk_yard_visit_crossing_id_crossing")
        ),
        sa.ForeignKeyConstraint(["yard_id"], ["yard.id"], name=op.f("fk_yard_visit_yard_id_yard")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yard_visit")),
    )
    with op.batch_alter_table("yard_visit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_yard_visit_crossing_id"), ["crossing_id"], unique=False
        )
        batch_op.create_index("ix_yard_visit_open", ["yard_id", "checked_out_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_yard_visit_plate"), ["plate"], unique=False)

    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notification.id"],
            name=op.f("fk_delivery_attempt_notification_id_notification"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempt")),
    )
    with op.batch_alter_table("delivery_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_attempt_notification_id"), ["notification_id"], unique=False
        )

    op.create_table(
        "fee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("infrastructure", "yard", name="feekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipt.id"], name=op.f("fk_fee_receipt_id_receipt")
        ),
        sa.ForeignKeyConstraint(["tariff_id"], ["tariff.id"], name=op.f("fk_fee_tariff_id_tariff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee")),
    )
    with op.batch_alter_table("fee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fee_receipt_id"), ["receipt_id"], unique=False)

    op.create_table(
        "plate_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plate_read_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("created_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["plate_read_id"],
            ["plate_read.id"],
            name=op.f("fk_plate_alert_plate_read_id_plate_read"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_plate_alert_resolved_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plate_alert")),
        sa.UniqueConstraint("plate_read_id", name=op.f("uq_plate_alert_plate_read_id")),
    )
    with op.batch_alter_table("plate_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plate_alert_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("gate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "holiday_calendars", sa.String(length=32), server_default="VN,CN", nullable=False
            )
        )

    with op.batch_alter_table("yard_space", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occupied", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint("occupied_range", "occupied >= 0 AND occupied <= spaces")


def downgrade() -> None:
    with op.batch_alter_table("yard_space", schema=None) as batch_op:
        batch_op.drop_constraint("occupied_range", type_="check")
        batch_op.drop_column("occupied")

    with op.batch_alter_table("gate", schema=None) as batch_op:
        batch_op.drop_column("holiday_calendars")

    with op.batch_alter_table("plate_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plate_alert_created_at"))

    op.drop_table("plate_alert")
    with op.batch_alter_table("fee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_receipt_id"))

    op.drop_table("fee")
    with op.batch_alter_table("delivery_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_attempt_notification_id"))

    op.drop_table("delivery_attempt")
    with op.batch_alter_table("yard_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_yard_visit_plate"))
        batch_op.drop_index("ix_yard_visit_open")
        batch_op.drop_index(batch_op.f("ix_yard_visit_crossing_id"))

    op.drop_table("yard_visit")
    with op.batch_alter_table("window_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_window_change_crossing_id"))

    op.drop_table("window_change")
    with op.batch_alter_table("receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_issued_at"))
        batch_op.drop_index(batch_op.f("ix_receipt_enterprise_id"))

    op.drop_table("receipt")
    with op.batch_alter_table("queue_estimate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_estimate_gate_id"))
        batch_op.drop_index(batch_op.f("ix_queue_estimate_crossing_id"))

    op.drop_table("queue_estimate")
    with op.batch_alter_table("plate_read", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plate_read_read_at"))
        batch_op.drop_index(batch_op.f("ix_plate_read_plate"))
        batch_op.drop_index(batch_op.f("ix_plate_read_crossing_id"))

    op.drop_table("plate_read")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_enterprise_id"))
        batch_op.drop_index("ix_notification_due")
        batch_op.drop_index(batch_op.f("ix_notification_crossing_id"))

    op.drop_table("notification")
    with op.batch_alter_table("crossing_move", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crossing_move_crossing_id"))

    op.drop_table("crossing_move")
    op.drop_table("cargo_line")
    with op.batch_alter_table("crossing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crossing_window_id"))
        batch_op.drop_index("ix_crossing_vehicle_state")
        batch_op.drop_index("ix_crossing_queue")
        batch_op.drop_index(batch_op.f("ix_crossing_plate"))
        batch_op.drop_index(batch_op.f("ix_crossing_enterprise_id"))

    op.drop_table("crossing")
    with op.batch_alter_table("crossing_window", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crossing_window_starts_at"))

    op.drop_table("crossing_window")
    with op.batch_alter_table("capacity_pattern", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_pattern_gate_id"))

    op.drop_table("capacity_pattern")
    with op.batch_alter_table("capacity_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_override_gate_id"))

    op.drop_table("capacity_override")
    op.drop_table("tariff")
    op.drop_table("receipt_counter")
    op.drop_table("priority_class")
    op.drop_table("booking_policy")
