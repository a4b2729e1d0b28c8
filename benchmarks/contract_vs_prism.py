"""The contract suite against an independent server: Prism 5.16's dynamic mock of the same spec.

Prism generates bodies from the schema alone, so the rules that live in the spec's prose (Money's sign and
nanos range, ISO 4217 currency, int32 ranges, percent within 0..100) are broken in its answers; the suite
must come out red, with `money` among the failed rules. Writes reports/contract-vs-prism.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from peer_prism import ensure_prism, running_prism

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "reports" / "contract-vs-prism.json"


def main() -> int:
    available, note = ensure_prism()
    if not available:
        print(f"skipped: {note}")
        return 0
    with running_prism(dynamic=True) as base_url, tempfile.TemporaryDirectory() as reports:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACT_", "FIREWORKS_"))}
        env.update(
            CONTRACT_BASE_URL=base_url,
            FIREWORKS_API_KEY="prism-accepts-any-key",
            FIREWORKS_ACCOUNT_ID="acme",
            CONTRACT_JOB_IDS="job-1,job-2,job-3",
            CONTRACT_REPORT_DIR=reports,
        )
        result = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "contract.py")], env=env, capture_output=True, check=False
        )
        report = json.loads((Path(reports) / "contract.json").read_text())
    failed = report["failed_rules"]
    outcome = {"exit_code": result.returncode, "failed_rules": failed, "money_caught": "money" in failed}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(outcome, indent=2) + "\n")
    print(f"contract suite vs Prism dynamic mock: exit {result.returncode}, failed rules: {', '.join(failed)}")
    return 0 if outcome["money_caught"] and result.returncode == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
