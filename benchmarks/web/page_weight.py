"""Each page's first-load weight, for every role, on the demo's data: the bytes
Debian's headless Chromium receives (headers and bodies as sent, every response)
opening the page with an empty cache. Prints a table; ``--json FILE`` keeps it,
``--before FILE`` (an earlier ``--json``) adds its figures beside these.

    python benchmarks/web/page_weight.py --json /tmp/after.json
    PYTHONPATH=../other-checkout/src python benchmarks/web/page_weight.py --json /tmp/before.json
    python benchmarks/web/page_weight.py --before /tmp/before.json

Sends requests to 127.0.0.1 only. The measuring is tests/web/weight.py's, which
the budget test (tests/web/test_page_weight.py) uses too.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402
from tests.live.streams import serve_in_thread  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.web.weight import (  # noqa: E402
    BUDGET,
    PAGES,
    USERNAMES,
    demo_records,
    first_load,
    load_demo_with_passwords,
    visitor,
)

from cuakhau.app import create_app  # noqa: E402
from cuakhau.core.actor import Actor  # noqa: E402
from cuakhau.core.clock import utcnow  # noqa: E402
from cuakhau.core.config import Settings  # noqa: E402
from cuakhau.core.database import session_scope  # noqa: E402
from cuakhau.core.schema_version import upgrade  # noqa: E402


def measure() -> dict[str, dict[str, object]]:
    """``"role /path"``: total bytes and the largest response."""
    with tempfile.TemporaryDirectory(prefix="cuakhau-weight-") as folder:
        url = f"sqlite:///{folder}/weight.db"
        upgrade(url)
        settings = Settings(
            database_url=url, data_dir=Path(folder), secret_key="w" * 40, background_jobs=False
        )
        app = create_app(settings)
        with session_scope(app.state.session_factory, Actor(label="benchmark")) as session:
            passwords = load_demo_with_passwords(session, utcnow(), settings)
            records = demo_records(session, settings.resolved_secret_key)
        results: dict[str, dict[str, object]] = {}
        with (
            serve_in_thread(app) as port,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for role, paths in PAGES.items():
                login = None
                if role is not None:
                    login = (USERNAMES[role], passwords[USERNAMES[role]])
                context = visitor(browser, f"http://127.0.0.1:{port}", login)
                for path in paths:
                    weight = first_load(context, path.format(**records))
                    largest_url, largest = weight.largest()
                    results[f"{role.value if role else 'public'} {path}"] = {
                        "bytes": weight.total,
                        "responses": len(weight.responses),
                        "largest": largest,
                        "largest_url": largest_url.split(str(port), 1)[-1],
                    }
                    print(f"  {role or 'public'} {path}: {weight.total:,} B", file=sys.stderr)
                context.close()
            browser.close()
        return results


def kb(size: object) -> str:
    return f"{int(size) / 1000:,.1f}" if isinstance(size, int) else "–"  # type: ignore[arg-type]


def table(results: dict[str, dict[str, object]], before: dict[str, dict[str, object]]) -> str:
    lines = [
        "| role | page | before (KB) | after (KB) | responses | largest response (KB) |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for key, result in results.items():
        role, page = key.split(" ", 1)
        lines.append(
            f"| {role} | `{page}` | {kb(before.get(key, {}).get('bytes'))} | "
            f"{kb(result['bytes'])} | {result['responses']} | "
            f"{kb(result['largest'])} `{result['largest_url']}` |"
        )
    over = [key for key, result in results.items() if int(result["bytes"]) >= BUDGET]  # type: ignore[call-overload]
    lines.append("")
    lines.append(f"Budget {BUDGET / 1000:,.0f} KB; over it: {', '.join(over) or 'none'}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--before", type=Path, help="an earlier --json to show beside")
    options = parser.parse_args()
    results = measure()
    if options.json:
        options.json.write_text(json.dumps(results, indent=1))
    before = json.loads(options.before.read_text()) if options.before else {}
    print(table(results, before))


if __name__ == "__main__":
    main()
