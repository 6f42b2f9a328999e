"""One loaded GGUF chat model: its llama.cpp handle, how prompts become tokens, and its tokenizer.

Thread safety: tokenising and detokenising read only the vocabulary, which llama.cpp never changes once
the model is loaded (llama-server itself tokenises on its HTTP threads while its main loop decodes), so
they may run off the model's worker thread. Anything that touches the context (decoding, the KV cache,
logits) runs on the provider's single worker thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from siyada.gateway.prompts import Prompt

# Used only when a GGUF file carries no chat template of its own.
FALLBACK_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


class BadTokens(ValueError):
    """Token ids that are not in the model's vocabulary."""


class LlamaModel:
    """One loaded GGUF model with its prompt formatter."""

    def __init__(self, path: Path, *, n_ctx: int, threads: int) -> None:
        from llama_cpp import Llama

        self.path = path
        self.llm = Llama(
            model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False
        )
        meta = self.llm.metadata
        self.template = meta.get("tokenizer.chat_template") or FALLBACK_TEMPLATE
        self.has_chat_template = "tokenizer.chat_template" in meta
        # BOS goes first only when the GGUF says so (as the model's own Hugging Face tokenizer does).
        self.adds_bos = meta.get("tokenizer.ggml.add_bos_token") == "true"
        self.n_vocab = self.llm.n_vocab()
        self.n_ctx = n_ctx
        self.bos_text = self.special_text(self.llm.token_bos())
        self.eos_text = self.special_text(self.llm.token_eos())
        self._formatters: dict[bool, Any] = {}
        self._pieces: dict[int, bytes] = {}
        self.formatter = self._formatter(True)

    def special_text(self, token: int) -> str:
        if token < 0 or token >= self.n_vocab:
            return ""
        try:
            return self.llm._model.token_get_text(token)
        except Exception:
            return ""

    def _formatter(self, add_generation_prompt: bool) -> Any:
        found = self._formatters.get(add_generation_prompt)
        if found is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            found = self._formatters[add_generation_prompt] = Jinja2ChatFormatter(
                template=self.template,
                eos_token=self.eos_text,
                bos_token=self.bos_text,
                add_generation_prompt=add_generation_prompt,
            )
        return found

    # ---- text <-> tokens ---------------------------------------------------------------------------
    def tokenize(self, text: str, *, special: bool = True) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)

    def encode(self, text: str, *, add_special: bool) -> list[int]:
        """Hugging Face `encode` semantics: special tokens written in the text are parsed; BOS first when
        `add_special` and the model wants one."""
        tokens = self.tokenize(text)
        return self._with_bos(tokens) if add_special else tokens

    def _with_bos(self, tokens: list[int]) -> list[int]:
        bos = self.llm.token_bos()
        if self.adds_bos and bos >= 0 and (not tokens or tokens[0] != bos):
            return [bos, *tokens]
        return tokens

    def check_ids(self, tokens: list[int]) -> None:
        bad = [t for t in tokens if not 0 <= t < self.n_vocab]
        if bad:
            raise BadTokens(
                f"token ids must lie in [0, {self.n_vocab}) for this model; got {bad[:5]}"
                + (" ..." if len(bad) > 5 else "")
            )

    def piece(self, token: int) -> bytes:
        """The bytes one token stands for (special tokens as their text)."""
        found = self._pieces.get(token)
        if found is None:
            found = self._pieces[token] = self.llm._model.detokenize([token], special=True)
        return found

    def decode(self, tokens: list[int]) -> str:
        """Token ids back to text, special tokens written out (Hugging Face's default)."""
        self.check_ids(tokens)
        return b"".join(self.piece(t) for t in tokens).decode("utf-8", errors="replace")

    def prompt_tokens(self, prompt: Prompt) -> list[int]:
        """What a completion prompt is evaluated as. Token ids are taken exactly as sent, never with a BOS
        added: scorers index the returned tokens by the positions they sent (lm-evaluation-harness reads
        `token_logprobs[ctxlen:-1]`). Text is tokenised, with BOS first when the GGUF asks for it."""
        if isinstance(prompt, str):
            return self._with_bos(self.tokenize(prompt))
        self.check_ids(prompt)
        return list(prompt)

    def chat_prompt(
        self, messages: list[dict[str, Any]], *, add_generation_prompt: bool = True
    ) -> tuple[list[int], list[str]]:
        """Token ids of the formatted conversation and the template's own stop strings."""
        formatted = self._formatter(add_generation_prompt)(messages=messages)
        # Templates that do not write the BOS token themselves still expect it first.
        tokens = self._with_bos(self.tokenize(formatted.prompt))
        stops = (
            formatted.stop
            if isinstance(formatted.stop, list)
            else ([formatted.stop] if formatted.stop else [])
        )
        return tokens, stops

    def _named(self, key: str) -> str | None:
        """The text of the special token whose id the GGUF metadata `key` holds."""
        value = self.llm.metadata.get(key)
        return (self.special_text(int(value)) or None) if value is not None else None

    def info(self) -> dict[str, Any]:
        """vLLM's /tokenizer_info fields (a Hugging Face tokenizer config) from the GGUF metadata."""
        meta = self.llm.metadata
        return {
            "tokenizer_class": "GGUFTokenizer",
            "tokenizer_model": meta.get("tokenizer.ggml.model"),
            "bos_token": self.bos_text or None,
            "eos_token": self.eos_text or None,
            "pad_token": self._named("tokenizer.ggml.padding_token_id"),
            "unk_token": self._named("tokenizer.ggml.unknown_token_id"),
            "add_bos_token": self.adds_bos,
            "add_eos_token": meta.get("tokenizer.ggml.add_eos_token") == "true",
            "chat_template": self.template,
            "model_max_length": self.n_ctx,
            "vocab_size": self.n_vocab,
        }


def plain_message(m: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI message as chat templates expect it: text content, `developer` read as `system`."""
    content = m.get("content")
    if isinstance(content, list):
        content = "".join(p.get("text") or "" for p in content if p.get("type") == "text")
    role = "system" if m.get("role") == "developer" else m.get("role")
    return {"role": role, "content": content or ""}
