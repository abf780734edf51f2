"""An enterprise's fees: its receipts over a period with the period's totals by
kind, and one receipt as a printable page. They call the same services as
``/api/v1/receipts`` and ``/api/v1/fees/totals``; another enterprise's receipt is
a 404, as there."""

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from cuakhau.core.clock import local_date
from cuakhau.core.deps import DbSession, Now
from cuakhau.core.schemas import Id
from cuakhau.fees.schemas import PeriodQuery
from cuakhau.fees.service import get_receipt, period_filter, receipt_views, totals
from cuakhau.models import Crossing, Enterprise, Gate, Receipt, Tariff, Transload, Yard
from cuakhau.web import i18n
from cuakhau.web.enterprise import EnterpriseUser, enterprise_id_of
from cuakhau.web.pages import FormState, PageRoute, render

router = APIRouter(route_class=PageRoute)

RECEIPT_LIMIT = 200


def _presets(today: date) -> list[tuple[str, date, date]]:
    """Periods one click away: this month, last month, this year."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return [
        ("fees_this_month", month_start, today),
        ("fees_last_month", last_month_end.replace(day=1), last_month_end),
        ("fees_this_year", today.replace(month=1, day=1), today),
    ]


def _period(form: FormState, language: str) -> PeriodQuery | None:
    """The period typed as dd/mm/yyyy, or None with a message on each bad day."""
    days: dict[str, date] = {}
    for name in ("from", "to"):
        try:
            days[name] = datetime.strptime(form.values[name], "%d/%m/%Y").date()
        except ValueError:
            form.errors[name] = i18n.translate("date_invalid_day", language)
    if len(days) == 2 and days["from"] > days["to"]:
        form.errors["to"] = i18n.translate("date_order", language)
    if form.errors:
        form.message = i18n.translate("validation_failed", language, count=len(form.errors))
        return None
    return PeriodQuery.model_validate(days)


@router.get("/fees", response_class=HTMLResponse)
def fees(
    request: Request,
    session: DbSession,
    user: EnterpriseUser,
    now: Now,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
) -> HTMLResponse:
    language = i18n.page_language(request)
    today = local_date(now)
    presets = _presets(today)
    this_month = presets[0]
    form = FormState(
        {
            "from": (from_ if from_ is not None else i18n.format_date(this_month[1])).strip(),
            "to": (to if to is not None else i18n.format_date(this_month[2])).strip(),
        }
    )
    period = _period(form, language)
    if period is None:
        return render(request, "fees_list.html", status_code=422, form=form, presets=presets)
    scope = enterprise_id_of(user)
    receipts = list(
        session.scalars(
            select(Receipt)
            .where(*period_filter(period, scope))
            .order_by(Receipt.issued_at.desc(), Receipt.id.desc())
            .limit(RECEIPT_LIMIT)
        )
    )
    crossing_ids = [receipt.crossing_id for receipt in receipts]
    crossings = session.scalars(select(Crossing).where(Crossing.id.in_(crossing_ids)))
    transload_ids = [receipt.transload_id for receipt in receipts]
    transloads = session.scalars(select(Transload).where(Transload.id.in_(transload_ids)))
    summary = totals(session, period, scope)
    return render(
        request,
        "fees_list.html",
        form=form,
        presets=presets,
        receipts=receipt_views(session, receipts),
        plates={crossing.id: crossing.plate for crossing in crossings},
        transload_plates={transload.id: transload.inbound_plate for transload in transloads},
        total=summary.enterprises[0] if summary.enterprises else None,
        limit=RECEIPT_LIMIT,
    )


@router.get("/fees/receipts/{receipt_id}", response_class=HTMLResponse)
def receipt_page(
    request: Request, receipt_id: Id, session: DbSession, user: EnterpriseUser
) -> HTMLResponse:
    receipt = get_receipt(session=session, receipt_id=receipt_id, scope=enterprise_id_of(user))
    crossing = transload = None
    if receipt.crossing_id is not None:
        crossing = session.get_one(Crossing, receipt.crossing_id)
        gate_id = crossing.gate_id
    else:
        assert receipt.transload_id is not None
        transload = session.get_one(Transload, receipt.transload_id)
        gate_id = session.get_one(Yard, transload.yard_id).gate_id
    tariff_ids = [fee.tariff_id for fee in receipt.fees]
    tariffs = {t.id: t for t in session.scalars(select(Tariff).where(Tariff.id.in_(tariff_ids)))}
    return render(
        request,
        "fees_receipt.html",
        receipt=receipt,
        crossing=crossing,
        transload=transload,
        gate=session.get_one(Gate, gate_id),
        enterprise=session.get_one(Enterprise, receipt.enterprise_id),
        tariffs=tariffs,
        terms={t.id: tariff_terms(t, i18n.page_language(request)) for t in tariffs.values()},
    )


def tariff_terms(tariff: Tariff, language: str) -> str:
    """Whom a tariff line charges, in the page's language alone: built from the
    line's criteria, since its description is one free text (often in both
    languages at once)."""

    def t(key: str, **params: object) -> str:
        return i18n.translate(key, language, **params)

    def tonnes(kg: int) -> str:
        return i18n.format_number(kg / 1000, language, 0 if kg % 1000 == 0 else 1)

    words = [
        t(f"yard_class_{tariff.vehicle_class.value}")
        if tariff.vehicle_class
        else t("fees_terms_any")
    ]
    if tariff.min_payload_kg is not None:
        words.append(t("fees_terms_from", tonnes=tonnes(tariff.min_payload_kg)))
    if tariff.max_payload_kg is not None:
        words.append(t("fees_terms_under", tonnes=tonnes(tariff.max_payload_kg)))
    text = " ".join(words)
    if tariff.regime is not None:
        text = f"{text}, {t(f'regime_{tariff.regime.value}')}"
    if tariff.per_hours:
        text = f"{text}, {t('fees_terms_per_hours', hours=tariff.per_hours)}"
    return text
