#!/usr/bin/env bash
# pip-audit over the installed (pinned) dependencies. Fails on any known vulnerability.
# When the vulnerability database cannot be reached (some sandboxes only proxy the package
# index), it says so loudly instead of reporting a clean bill of health it never checked;
# ACCORD_STRICT_AUDIT=1 turns that into a failure (set it wherever PyPI's JSON API answers).
set -uo pipefail
report=$(mktemp)
trap 'rm -f "$report"' EXIT
.venv/bin/pip-audit --skip-editable --progress-spinner off --format json >"$report" 2>/dev/null
status=$?
python3 - "$report" "$status" <<'PY'
import json, os, sys
path, status = sys.argv[1], int(sys.argv[2])
try:
    data = json.load(open(path))
except ValueError:
    print("pip-audit produced no report"); sys.exit(1)
deps = data.get("dependencies", [])
vulnerable = [d for d in deps if d.get("vulns")]
audited = [d for d in deps if "skip_reason" not in d]
for d in vulnerable:
    ids = ", ".join(v["id"] for v in d["vulns"])
    print(f"VULNERABLE: {d['name']} {d['version']}: {ids}")
if vulnerable or status not in (0, 1):
    sys.exit(1)
if not audited:
    print(f"WARNING: pip-audit could not reach the vulnerability database; "
          f"0 of {len(deps)} dependencies were audited.")
    sys.exit(1 if os.environ.get("ACCORD_STRICT_AUDIT") == "1" else 0)
print(f"pip-audit: {len(audited)} dependencies audited, no known vulnerabilities")
PY
