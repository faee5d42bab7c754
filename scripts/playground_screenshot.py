"""Regenerate the README's playground screenshot (docs/playground.png) from the real page.

    PYTHONPATH=. python scripts/playground_screenshot.py [--out docs/playground.png]

Starts the service under gunicorn on a free loopback port (as the browser tests do), opens the
playground in headless Chromium (Selenium; ``apt-get install chromium chromium-driver``),
presses "Try the sample article" (the default method on the page's own sample) and saves the
page once the summary is drawn. Needs the same tools as ``tests/test_playground_browser.py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' helpers: gunicorn and Chromium

from browser_helpers import chrome, gunicorns  # noqa: E402

#: How long the page may take to draw the summary, in seconds.
DRAW_SECONDS = 30


def main(argv: list[str] | None = None) -> int:
    """Take the screenshot; 0 when saved, 1 when the page showed no summary in time."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "playground.png")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as logs, gunicorns({"SUMMARIZE_PRELOAD": ""}, logs=Path(logs)) as servers:
        base = servers[0].wait()
        driver = chrome((args.width, args.height))
        try:
            driver.get(base + "/")
            deadline = time.monotonic() + DRAW_SECONDS
            while not driver.execute_script("return !!document.getElementById('try-sample') && "
                                            "document.getElementById('method').options.length > 0"):
                if time.monotonic() > deadline:
                    print("the page did not load its methods in time", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            driver.execute_script("document.getElementById('try-sample').click()")
            while driver.execute_script("return document.getElementById('results').hidden"):
                if time.monotonic() > deadline:
                    print("the page drew no summary in time", file=sys.stderr)
                    return 1
                time.sleep(0.2)
            time.sleep(0.5)  # let the highlight's transition end
            args.out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.out))
        finally:
            driver.quit()
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
