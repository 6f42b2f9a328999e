"""`python -m siyada.gateway.smoke`: load the packaged chat model and generate a few tokens.

Run by the install script in a child process, so a llama.cpp build that crashes on this CPU is detected
(and rebuilt) at install time rather than on the first request.
"""

from __future__ import annotations

import sys

from siyada.gateway.packaged import PACKAGED_CHAT


def main() -> int:
    from llama_cpp import Llama

    path = PACKAGED_CHAT.path()
    if path is None:
        print(f"the packaged chat model ({PACKAGED_CHAT.package}) is not installed", file=sys.stderr)
        return 1
    llm = Llama(model_path=str(path), n_ctx=256, n_threads=1, verbose=False)
    out = llm.create_completion(prompt="Hello", max_tokens=3, temperature=0)
    print(f"ok: {out['usage']['completion_tokens']} tokens from {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
