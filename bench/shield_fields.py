"""What the privacy shield costs per request body, in-process: a plain chat request and one that also
carries a tool and a `response_format` schema (every string of which the shield analyses).

    .venv/bin/python bench/shield_fields.py [--repeat 300]

Reports the best of three runs of `repeat` rewrites (a fresh per-request mapping each time), in µs.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from siyada.privacy.operators import Pseudonymiser
from siyada.privacy.shield import pseudonymise_body

PROMPT = (
    "Bonjour, je suis Mme Fatima-Zahra Benkirane, CIN BE873214, tél +212 661-234567, "
    "mail yassine.elamrani@gmail.com. Merci (loi 09-08, dossier 2024/1234)."
)
PLAIN: dict[str, Any] = {
    "model": "m",
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": PROMPT}],
    "temperature": 0.2,
    "max_tokens": 64,
}
TOOL = {
    "type": "function",
    "function": {
        "name": "lookup_citizen",
        "description": "Look up a citizen's file by CIN, phone number or e-mail address.",
        "parameters": {
            "type": "object",
            "properties": {
                "cin": {"type": "string", "description": "The CIN, e.g. CIN BE873214"},
                "phone": {"type": "string", "description": "A Moroccan phone number"},
                "email": {"type": "string", "format": "email"},
                "service": {"type": "string", "enum": ["etat-civil", "urbanisme", "fiscalite"]},
            },
            "required": ["cin"],
        },
    },
}
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "answer",
        "schema": {
            "type": "object",
            "properties": {"reply": {"type": "string", "description": "The answer, in French"}},
        },
    },
}
WITH_TOOLS = {**PLAIN, "tools": [TOOL], "response_format": SCHEMA, "user": "agent-17"}


def _best_us(body: dict[str, Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(repeat):
            pseudonymise_body("chat/completions", body, Pseudonymiser())
        best = min(best, (time.perf_counter() - t0) / repeat)
    return best * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=300)
    args = ap.parse_args()
    for name, body in (("plain chat", PLAIN), ("chat + tool + response_format", WITH_TOOLS)):
        size = len(json.dumps(body))
        print(f"{name:32s} {size:6d} B  {_best_us(body, args.repeat):8.0f} µs")


if __name__ == "__main__":
    main()
