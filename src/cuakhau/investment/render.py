"""The registry's reports as PNG charts; CSV, XLSX and PDF are ``core/tables.py``'s."""

import io

from cuakhau.investment.reports import Report


def to_png(report: Report) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charted = [t for t in report.tables if t.chart and t.rows]
    figure, axes = plt.subplots(
        len(charted) or 1, 1, figsize=(9, 3 + 3 * max(len(charted), 1)), squeeze=False
    )
    for axis, table in zip(axes[:, 0], charted, strict=False):
        rows = [row for row in table.rows if row.get("group") != "total"][:25]
        first = table.columns[0].key
        names = [str(row.get(first) or "") for row in rows]
        values = [float(row.get(table.chart) or 0) for row in rows]  # type: ignore[arg-type]
        axis.barh(names[::-1], values[::-1], color="#2a6f97")
        axis.set_title(table.title)
        axis.set_xlabel(table.labels[table.chart])  # type: ignore[index]
    figure.suptitle(report.title)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100)
    plt.close(figure)
    return out.getvalue()
