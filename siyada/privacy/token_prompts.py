"""Token-id prompts and the privacy shield.

Text prompts are pseudonymised on their way to a model; token ids cannot be. Replacing a value inside
them would change the very tokens a caller scores (lm-evaluation-harness reads log-probabilities by token
position), and the ids of an upstream's vocabulary cannot even be read here. So where the shield applies,
token-id prompts are decoded with the model's own embedded tokenizer and passed on unchanged when no
personal data is found in them. They are refused (400) when personal data is found, when a route may
reach a provider that is not in-house, or when no local tokenizer can read them.
"""

from __future__ import annotations

from collections.abc import Callable

from siyada.errors import ApiError
from siyada.privacy.operators import Pseudonymiser, detect


def vet_token_prompts(
    prompts: list[list[int]],
    decode: Callable[[list[int]], str] | None,
    all_in_house: bool,
    p: Pseudonymiser,
) -> None:
    """Raise a 400 ApiError unless every token-id prompt may go to the model as it is."""
    if not prompts:
        return
    if not all_in_house:
        raise ApiError(
            400,
            "Token-id prompts cannot be pseudonymised, and this model may be served by a provider that "
            "is not in-house: send the prompt as text",
            code="token_prompt_refused",
            param="prompt",
        )
    if decode is None:
        raise ApiError(
            400,
            "Token-id prompts cannot be checked for personal data for this model (no local tokenizer): "
            "send the prompt as text",
            code="token_prompt_refused",
            param="prompt",
        )
    for index, ids in enumerate(prompts):
        try:
            text = decode(ids)
        except ValueError as exc:
            raise ApiError(400, f"prompt: {exc}", code="invalid_request", param="prompt") from exc
        found = detect(text, p.threshold, p.types)
        if found:
            kinds = ", ".join(sorted({e.type for e in found}))
            raise ApiError(
                400,
                f"Token-id prompt {index} holds personal data ({kinds}), which cannot be replaced without "
                "changing its tokens: send the prompt as text (it is then pseudonymised), or use a tenant "
                'whose privacy policy lets in-house models read prompts (prompts = "external")',
                code="personal_data_in_token_prompt",
                param="prompt",
            )
