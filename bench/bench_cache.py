"""Cold vs warm MT cache: the same document translated twice through the real Translator with a
realistic 6+6-layer int8 model (random weights, fixed 48-token outputs). Target: warm ≥ 50×
faster than cold. Uses the sample's lead and section 01 (~64 segments) to keep it short.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from _util import ROOT, SAMPLE

sys.path.insert(0, str(ROOT / "tests"))

from pipeline.cache import MTCache  # noqa: E402
from pipeline.engines.argos_package import load_package  # noqa: E402
from pipeline.engines.ctranslate import CTranslate2Engine  # noqa: E402
from pipeline.glossary.matcher import TermMatcher  # noqa: E402
from pipeline.glossary.termbase import load_glossary  # noqa: E402
from pipeline.readers import read_document  # noqa: E402
from pipeline.stages.translate import Translator  # noqa: E402


def _document():
    doc = read_document(SAMPLE)
    doc.sections = doc.sections[:2]
    doc.notes = []
    return doc


def main() -> None:
    from argos_fixture import build_realistic_model

    glossary = load_glossary([ROOT / "glossary" / "ai-terms.tsv"])
    matcher = TermMatcher(glossary)
    with tempfile.TemporaryDirectory() as tmp:
        package = load_package(build_realistic_model(Path(tmp)), cache_dir=Path(tmp) / "unpacked")
        engine = CTranslate2Engine(package, beam=4, batch_size=32, max_decoding_length=48,
                                   min_decoding_length=48)
        engine.load()
        cache = MTCache(Path(tmp) / "cache.sqlite")
        timings = []
        for label in ("cold", "warm"):
            doc = _document()
            start = time.perf_counter()
            summary = Translator(matcher, engine=engine, cache=cache).run(doc)
            timings.append(time.perf_counter() - start)
            print(f"{label}: {timings[-1]:7.2f} s — {summary.line()}")
    ratio = timings[0] / timings[1]
    print(f"warm/cold speed-up: {ratio:.0f}× (target ≥ 50×): {'OK' if ratio >= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
