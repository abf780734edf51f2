"""A synthetic demo portfolio (every name says so) whose report as of 31 December
2021 reproduces the seed article's figures exactly:

- 122 valid domestic projects, 13,046,500,000,000 VND ("over 13,000 billion");
- 20 valid foreign-invested projects, 207,480,000 USD ("over 207 million");
- 3 key functional-zone infrastructure projects (domestic, among the 122);
- 29 valid yard projects, 3,033,800,000,000 VND (27 domestic, 2 FDI at the VND of
  their certificates), a subset of the 142;
- 48 valid trade and service projects, 3,126,400,000,000 VND ("over 3,100 billion";
  44 domestic, 4 FDI), also a subset.

Around them: projects terminated or suspended before the end of 2021 (not in the
figures), capital raised before 2021 (counted at its 2021 value), and from 2022 to
2025 new projects, capital changes, terminations, replaced investors,
disbursement reports and milestones, so reports after 2021 differ.

``python -m cuakhau.investment.demo`` rewrites ``data/demo-portfolio.json``; the
same seed gives the same file.
"""

import json
import random
from datetime import date, timedelta
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cuakhau.enterprises.tax_code import check_digit
from cuakhau.investment.importer import SHEETS, Sheet, import_sheets
from cuakhau.investment.schemas import ImportReport

DEMO_FILE = "demo-portfolio.json"
BILLION = 1_000_000_000
DOMESTIC_VND = 13_046_500_000_000
FDI_USD = 207_480_000
YARD_VND = 3_033_800_000_000
TRADE_VND = 3_126_400_000_000
KEY_VND = 2_450 * BILLION
REPORT_DAY = date(2021, 12, 31)

AREAS_BY_SECTOR = {
    "yard": ["gate_area", "goods_transshipment_zone"],
    "trade_services": ["gate_area", "non_tariff_zone", "urban_area"],
    "logistics_warehousing": ["goods_transshipment_zone", "gate_area"],
    "manufacturing": ["export_processing_zone_1", "industrial_zone"],
    "urban_other": ["urban_area", "other"],
    "zone_infrastructure": ["goods_transshipment_zone", "export_processing_zone_1"],
}
GATES = ["Hữu Nghị", "Đồng Đăng", "Tân Thanh", "Cốc Nam", "Chi Ma"]
SECTOR_NAMES = {
    "yard": ("Bến bãi", "Yard"),
    "trade_services": ("Thương mại dịch vụ", "Trade and services"),
    "logistics_warehousing": ("Kho vận", "Logistics"),
    "manufacturing": ("Nhà máy", "Factory"),
    "urban_other": ("Khu đô thị", "Urban"),
    "zone_infrastructure": ("Hạ tầng", "Infrastructure"),
}
FOREIGN = ["CN", "CN", "CN", "HK", "SG", "KR", "JP", "TW"]


def _split(rng: random.Random, total: int, parts: int, unit: int) -> list[int]:
    """``parts`` positive multiples of ``unit`` summing exactly to ``total``."""
    weights = [rng.uniform(0.3, 3.0) for _ in range(parts)]
    scale = total / unit / sum(weights)
    amounts = [max(1, round(w * scale)) * unit for w in weights]
    amounts[-1] += total - sum(amounts)
    assert amounts[-1] > 0
    return amounts


def _tax_code(n: int) -> str:
    while True:
        first_nine = f"49{n:07d}"  # 49: Lạng Sơn's prefix
        digit = check_digit(first_nine)
        if digit is not None:
            return f"{first_nine}{digit}"
        n += 500_000


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.investors: list[dict[str, Any]] = []
        self.projects: list[dict[str, Any]] = []
        self.amendments: list[dict[str, Any]] = []
        self.count = 0

    def day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def investor(self, foreign: bool) -> str:
        n = len(self.investors) + 1
        code = f"DEMO-NDT{n:03d}"
        country = self.rng.choice(FOREIGN) if foreign else "VN"
        self.investors.append(
            {
                "code": code,
                "name_vi": f"[Tổng hợp] Nhà đầu tư minh họa {n:03d}",
                "name_en": f"[Synthetic] Demo investor {n:03d}",
                "country": country,
                "tax_code": None if foreign else _tax_code(n),
                "is_illustrative": True,
            }
        )
        return code

    def project(
        self,
        sector: str,
        *,
        fdi: bool = False,
        vnd: int,
        usd: Decimal | None = None,
        rate: Decimal | None = None,
        registered: tuple[date, date] = (date(2008, 1, 1), date(2021, 6, 30)),
        key: bool = False,
        raised_before: bool = False,
    ) -> str:
        """One project; its capital as of the end of 2021 is ``vnd`` (and ``usd``)."""
        self.count += 1
        code = f"DEMO-{self.count:03d}"
        on = self.day(*registered)
        area = self.rng.choice(AREAS_BY_SECTOR[sector])
        gate = self.rng.choice(GATES)
        vi, en = SECTOR_NAMES[sector]
        # A raise before 2021: registered lower, adjusted up to the 2021 figure.
        first = Decimal("0.8") if raised_before else Decimal(1)
        row = {
            "code": code,
            "name_vi": f"[Tổng hợp] {vi} minh họa {self.count:03d} – {gate}",
            "name_en": f"[Synthetic] {en} demo {self.count:03d} – {gate}",
            "foreign_invested": fdi,
            "sector": sector,
            "area": area,
            "location": f"Cửa khẩu {gate}" if area == "gate_area" else None,
            "land_area_ha": str(Decimal(self.rng.randrange(5, 4000)) / 100),
            "certificate_no": f"DEMO-GCN-{self.count:03d}/{on.year}",
            "certificate_date": on.isoformat(),
            "capital_vnd": int(vnd * first) // BILLION * BILLION if raised_before else vnd,
            "capital_usd": str((usd * first).quantize(Decimal("0.01"))) if usd else None,
            "usd_rate": str(rate) if rate else None,
            "is_key": key,
            "investors": "; ".join(
                self.investor(fdi) for _ in range(2 if self.rng.random() < 0.15 else 1)
            ),
            "planned_land_handed_over": (on + timedelta(days=180)).isoformat(),
            "planned_construction_started": (on + timedelta(days=365)).isoformat(),
            "planned_in_operation": (on + timedelta(days=365 * 3)).isoformat(),
            "is_illustrative": True,
        }
        self.projects.append(row)
        if raised_before:
            raise_on = self.day(on + timedelta(days=30), date(2021, 12, 1))
            self.amend(code, "capital_adjusted", raise_on, capital_vnd=vnd, capital_usd=usd)
        self.progress(code, on, vnd)
        return code

    def amend(self, code: str, kind: str, on: date, **values: Any) -> None:
        row = {"project_code": code, "kind": kind, "effective_on": on.isoformat()}
        row |= {k: (str(v) if isinstance(v, Decimal | date) else v) for k, v in values.items()}
        row["document_no"] = f"DEMO-QĐ-{len(self.amendments) + 1:04d}"
        self.amendments.append(row)

    def progress(self, code: str, on: date, vnd: int) -> None:
        """Milestones reached (some late, some not yet) and yearly disbursement."""
        delays = [self.rng.choice([-30, 0, 20, 90, 400, None]) for _ in range(3)]
        plans = [
            (180, "land_handed_over"),
            (365, "construction_started"),
            (365 * 3, "in_operation"),
        ]
        for (days, milestone), delay in zip(plans, delays, strict=True):
            if delay is None:
                break
            reached = on + timedelta(days=days + delay)
            if reached > date(2025, 6, 30):
                break
            self.amend(code, "milestone_reached", reached, milestone=milestone)
        share = 0.0
        for year in range(max(on.year + 1, 2016), 2026):
            share = min(1.0, share + self.rng.uniform(0.05, 0.3))
            disbursed = int(vnd * share) // 1_000_000 * 1_000_000
            self.amend(code, "disbursement_reported", date(year, 12, 15), disbursed_vnd=disbursed)

    def rate(self, on_year: int) -> Decimal:
        return Decimal(21_000 + 200 * (on_year - 2010) + self.rng.randrange(0, 150))


def generate(seed: int = 2021) -> dict[str, list[dict[str, Any]]]:
    b = _Builder(seed)
    rng = b.rng
    rate = Decimal(23_000)  # the FDI certificates' rate in the demo: VND is usd × rate
    fdi_usd = _split(rng, FDI_USD, 20, 10_000)
    fdi = [(Decimal(usd), usd * int(rate)) for usd in fdi_usd]
    yard_fdi, trade_fdi, other_fdi = fdi[:2], fdi[2:6], fdi[6:]
    for sector, rows in (("yard", yard_fdi), ("trade_services", trade_fdi)):
        for usd, vnd in rows:
            b.project(sector, fdi=True, vnd=vnd, usd=usd, rate=rate)
    for index, (usd, vnd) in enumerate(other_fdi):
        sector = "manufacturing" if index % 2 else "logistics_warehousing"
        b.project(sector, fdi=True, vnd=vnd, usd=usd, rate=rate, raised_before=index % 5 == 0)

    key = _split(rng, KEY_VND, 3, 10 * BILLION)
    key_names = ["goods_transshipment_zone", "export_processing_zone_1", "non_tariff_zone"]
    for vnd, area in zip(key, key_names, strict=True):
        code = b.project(
            "zone_infrastructure",
            vnd=vnd,
            key=True,
            registered=(date(2012, 1, 1), date(2018, 12, 31)),
        )
        b.projects[-1]["area"] = area
    yard = _split(rng, YARD_VND - sum(v for _u, v in yard_fdi), 27, 100_000_000)
    trade = _split(rng, TRADE_VND - sum(v for _u, v in trade_fdi), 44, 100_000_000)
    rest = DOMESTIC_VND - KEY_VND - sum(yard) - sum(trade)
    others = _split(rng, rest, 48, 100_000_000)
    other_sectors = ["logistics_warehousing", "manufacturing", "urban_other", "zone_infrastructure"]
    for index, vnd in enumerate(yard):
        b.project("yard", vnd=vnd, raised_before=index % 6 == 0)
    for index, vnd in enumerate(trade):
        b.project("trade_services", vnd=vnd, raised_before=index % 7 == 0)
    for index, vnd in enumerate(others):
        b.project(other_sectors[index % 4], vnd=vnd)
    in_2021 = list(b.projects)

    # Not in the 2021 figures: ended or suspended before the year's end.
    for index in range(8):
        sector = ["yard", "trade_services", "manufacturing", "logistics_warehousing"][index % 4]
        vnd = rng.randrange(50, 400) * BILLION
        code = b.project(
            sector,
            fdi=index == 7,
            vnd=vnd,
            usd=Decimal(vnd // 23_000) if index == 7 else None,
            rate=rate if index == 7 else None,
            registered=(date(2010, 1, 1), date(2017, 12, 31)),
        )
        if index == 7:
            b.projects[-1]["capital_vnd"] = int(Decimal(b.projects[-1]["capital_usd"]) * rate)
        status = "terminated" if index % 3 else "suspended"
        b.amend(code, "status_changed", b.day(date(2019, 1, 1), date(2021, 11, 30)), status=status)

    # After 2021: new projects, raises, terminations, replaced investors, completions.
    for index in range(12):
        sector = ["yard", "trade_services", "logistics_warehousing", "manufacturing"][index % 4]
        b.project(
            sector,
            vnd=rng.randrange(80, 900) * BILLION,
            registered=(date(2022, 1, 10), date(2025, 6, 30)),
        )
    for row in rng.sample(in_2021, 20):
        on = b.day(date(2022, 1, 1), date(2025, 6, 30))
        vnd = row["capital_vnd"]
        if row["foreign_invested"]:
            usd = (Decimal(row["capital_usd"]) * Decimal("1.3")).quantize(Decimal(1))
            b.amend(row["code"], "capital_adjusted", on, capital_usd=usd)
        else:
            b.amend(
                row["code"],
                "capital_adjusted",
                on,
                capital_vnd=int(vnd * 1.25) // BILLION * BILLION,
            )
    for row in rng.sample(in_2021, 6):
        status = rng.choice(["terminated", "terminated", "suspended", "completed"])
        b.amend(
            row["code"], "status_changed", b.day(date(2022, 3, 1), date(2025, 6, 30)), status=status
        )
    for row in rng.sample(in_2021, 4):
        new = b.investor(row["foreign_invested"])
        b.amend(
            row["code"],
            "investors_replaced",
            b.day(date(2022, 6, 1), date(2025, 3, 31)),
            investors=new,
        )
    return {"investors": b.investors, "projects": b.projects, "amendments": b.amendments}


def shipped_demo() -> Path:
    return Path(str(files("cuakhau.investment") / "data" / DEMO_FILE))


def load_demo_portfolio(session: Session, path: Path | None = None) -> ImportReport:
    """Import the shipped demo portfolio; loading it again changes nothing."""
    data = json.loads((path or shipped_demo()).read_text(encoding="utf-8"))
    sheets = [
        Sheet(name, [(number, row) for number, row in enumerate(data[name], start=2)])
        for name in SHEETS
    ]
    return import_sheets(session, sheets)


def main() -> None:
    text = json.dumps(generate(), ensure_ascii=False, indent=1) + "\n"
    shipped_demo().write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
