"""registry, accounts and audit

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29 04:19:39.046348
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cuakhau.models.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tax_code", sa.String(length=14), nullable=False),
        sa.Column("name_vi", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("is_exporter", sa.Boolean(), nullable=False),
        sa.Column("is_importer", sa.Boolean(), nullable=False),
        sa.Column("is_logistics", sa.Boolean(), nullable=False),
        sa.Column("is_yard_operator", sa.Boolean(), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("is_illustrative", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise")),
        sa.UniqueConstraint("tax_code", name=op.f("uq_enterprise_tax_code")),
    )
    op.create_table(
        "gate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "international",
                "main",
                "secondary",
                "crossing_point",
                name="gatekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "mode",
            sa.Enum("road", "rail", name="gatemode", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("counterpart_name", sa.String(length=200), nullable=True),
        sa.Column("counterpart_name_zh", sa.String(length=200), nullable=True),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("latitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("longitude", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.Column("handles_export", sa.Boolean(), nullable=False),
        sa.Column("handles_import", sa.Boolean(), nullable=False),
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
        sa.CheckConstraint(
            "handles_export OR handles_import", name=op.f("ck_gate_handles_a_direction")
        ),
        sa.CheckConstraint("opens_at < closes_at", name=op.f("ck_gate_hours_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate")),
        sa.UniqueConstraint("code", name=op.f("uq_gate_code")),
    )
    op.create_table(
        "login_throttle",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_throttle")),
    )
    op.create_table(
        "zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone")),
        sa.UniqueConstraint("code", name=op.f("uq_zone_code")),
    )
    op.create_table(
        "driver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("id_number", sa.String(length=20), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_driver_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_driver")),
        sa.UniqueConstraint("nationality", "id_number", name=op.f("uq_driver_nationality")),
    )
    with op.batch_alter_table("driver", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_driver_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "board",
                "gate_officer",
                "yard_operator",
                "customs",
                "enterprise",
                "camera",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint(
            "role != 'camera' OR password_hash IS NULL",
            name=op.f("ck_user_account_camera_no_password"),
        ),
        sa.CheckConstraint(
            "role != 'enterprise' OR enterprise_id IS NOT NULL",
            name=op.f("ck_user_account_enterprise_bound"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_user_account_enterprise_id_enterprise"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_account_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "vehicle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=16), nullable=False),
        sa.Column("plate_country", sa.String(length=2), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "truck",
                "refrigerated_truck",
                "tractor_unit",
                "tanker",
                "van",
                name="vehiclekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("axles", sa.Integer(), nullable=False),
        sa.Column("payload_kg", sa.Integer(), nullable=False),
        sa.Column("trailer_plate", sa.String(length=16), nullable=True),
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
        sa.CheckConstraint("axles BETWEEN 2 AND 10", name=op.f("ck_vehicle_axles_range")),
        sa.CheckConstraint("payload_kg > 0", name=op.f("ck_vehicle_payload_positive")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_vehicle_enterprise_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle")),
        sa.UniqueConstraint("plate", name=op.f("uq_vehicle_plate")),
    )
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vehicle_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "yard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("gate_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("cold_spaces", sa.Integer(), nullable=False),
        sa.Column("is_illustrative", sa.Boolean(), nullable=False),
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
        sa.CheckConstraint("cold_spaces >= 0", name=op.f("ck_yard_cold_spaces_non_negative")),
        sa.ForeignKeyConstraint(["gate_id"], ["gate.id"], name=op.f("fk_yard_gate_id_gate")),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["enterprise.id"], name=op.f("fk_yard_operator_id_enterprise")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yard")),
        sa.UniqueConstraint("code", name=op.f("uq_yard_code")),
    )
    with op.batch_alter_table("yard", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_yard_gate_id"), ["gate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_yard_operator_id"), ["operator_id"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", cuakhau.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_entry_actor_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_entry_actor_user_id"), ["actor_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_entry_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "yard_space",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("yard_id", sa.Integer(), nullable=False),
        sa.Column(
            "vehicle_class",
            sa.Enum(
                "small", "truck", "container", name="vehicleclass", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("spaces", sa.Integer(), nullable=False),
        sa.CheckConstraint("spaces >= 0", name=op.f("ck_yard_space_spaces_non_negative")),
        sa.ForeignKeyConstraint(
            ["yard_id"], ["yard.id"], name=op.f("fk_yard_space_yard_id_yard"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yard_space")),
        sa.UniqueConstraint("yard_id", "vehicle_class", name=op.f("uq_yard_space_yard_id")),
    )


def downgrade() -> None:
    op.drop_table("yard_space")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_entity")
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_actor_user_id"))

    op.drop_table("audit_entry")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    with op.batch_alter_table("yard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_yard_operator_id"))
        batch_op.drop_index(batch_op.f("ix_yard_gate_id"))

    op.drop_table("yard")
    with op.batch_alter_table("vehicle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_enterprise_id"))

    op.drop_table("vehicle")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_enterprise_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("driver", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_driver_enterprise_id"))

    op.drop_table("driver")
    op.drop_table("zone")
    op.drop_table("login_throttle")
    op.drop_table("gate")
    op.drop_table("enterprise")
