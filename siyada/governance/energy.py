"""A rough, documented energy estimate per call, stored with each usage row (`usage.energy_wh`).

Method (see docs/governance.md, "Energy estimate"):

* embedded provider (in-process, on this machine's CPU): power x busy time, with the call's latency as
  busy time and `EMBEDDED_CORES x WATTS_PER_CORE` as power (2 x 15 W by default, a typical per-core
  draw of a server CPU under load, package power only).
* any other provider (an upstream GPU server): a per-token figure, separate for prompt tokens (prefill,
  batched and cheap) and completion tokens (decode, one token at a time). The defaults are order-of-
  magnitude figures from published measurements, not measurements of the deployment's own hardware.
* no provider (the call failed before reaching one): 0.

The numbers are module constants so an operator can set them to figures measured on their own hardware
(for example with `siyada.governance.energy.WATTS_PER_CORE = 12.0` in a site customisation).
"""

from __future__ import annotations

# Embedded (CPU) serving: power of the cores a call keeps busy, in watts.
EMBEDDED_CORES = 2
WATTS_PER_CORE = 15.0

# Upstream (GPU) serving, in Wh per 1,000 tokens. Completion: about 1.8 J per generated token, between
# batched serving of a 7-8B model on one H100 (well under 1 J/token) and the 3-4 J/token measured for
# LLaMA-65B on A100/V100 (Samsi et al., "From Words to Watts", IEEE HPEC 2023); it also matches Epoch
# AI's 2025 estimate of ~0.3 Wh for a typical ~500-token chat answer. Prompt tokens are processed in
# parallel and cost roughly a tenth as much per token.
UPSTREAM_WH_PER_1K_PROMPT = 0.05
UPSTREAM_WH_PER_1K_COMPLETION = 0.5

EMBEDDED_PROVIDER = "embedded"


def estimate_wh(provider: str | None, prompt_tokens: int, completion_tokens: int, latency_ms: float) -> float:
    """Estimated energy of one call in watt-hours (see the module docstring for the method)."""
    if not provider:
        return 0.0
    if provider == EMBEDDED_PROVIDER:
        busy_s = max(latency_ms, 0.0) / 1000.0
        return EMBEDDED_CORES * WATTS_PER_CORE * busy_s / 3600.0
    return (
        max(prompt_tokens, 0) * UPSTREAM_WH_PER_1K_PROMPT
        + max(completion_tokens, 0) * UPSTREAM_WH_PER_1K_COMPLETION
    ) / 1000.0
