"""What the term review does not read: code, URLs, file names and identifiers.

`num_gpus`, `cuda()`, `qwen.cpp`, `openai_api.py` and https://… are copied, not translated; a
term or a "lost name" inside them is noise. They are blanked with spaces of the same length,
so every offset the review reports still points into the original text.
"""
from __future__ import annotations

import re
from functools import lru_cache

_EXTENSIONS = ("py|ipynb|md|json|jsonl|ya?ml|txt|sh|bash|cpp|cc|c|h|hpp|cu|js|ts|go|rs|java|"
               "gguf|bin|safetensors|pt|pth|ckpt|onnx|toml|cfg|ini|csv|tsv|parquet|html|zip|"
               "tar|gz|whl|so|dll|exe|pdf|png|jpg|jpeg|gif|svg|mp4|wav|log|lock|env")
OUT_OF_SCOPE = re.compile(
    r"`[^`\n]+`"  # inline code
    r"|\]\([^)\s]*\)"  # a Markdown link target
    r"|<[^<>\n]{1,200}>"  # HTML tags and autolinks
    r"|(?:https?|ftp)://[^\s<>()\u3000-\u303f\uff00-\uffef\u3400-\u9fff]+"  # URLs
    r"|www\.[A-Za-z0-9.\-]+[^\s\u3400-\u9fff]*"
    r"|[A-Za-z0-9_.\-]*[A-Za-z0-9_](?:/[A-Za-z0-9_.\-]+)+/?"  # paths and hub ids (org/model)
    rf"|[A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*\.(?:{_EXTENSIONS})\b"  # file names
    r"|\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b"  # snake_case identifiers
    r"|\b[A-Za-z_][A-Za-z0-9_.]*\(\)"  # calls: cuda(), model.generate()
    r"|\b[a-z_]{2,}(?:\.[a-z_][a-z0-9_]*)+\b"  # dotted attributes: torch.float16
    r"|(?<![A-Za-z0-9])--?[a-z][a-z0-9\-]*",  # command-line flags
    re.ASCII)


# every out-of-scope span holds one of these: most sentences hold none and skip the big pattern
_TRIGGER = re.compile(r"[`/_<]|\.\w|\(\)|\]\(|(?<![\w-])--?[a-z]|www")


@lru_cache(maxsize=16384)
def mask(text: str) -> str:
    """`text` with out-of-scope spans replaced by spaces (same length, same offsets)."""
    if not _TRIGGER.search(text):
        return text
    return OUT_OF_SCOPE.sub(lambda m: " " * len(m.group(0)), text)
