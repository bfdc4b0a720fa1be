"""An independent register generator for evaluating nikmatch (benchmarks only).

Written without reading ``nikmatch.synth`` or the matcher's code: see README.md.
"""

from .generator import generate, hard_negative_pairs, true_pairs

__all__ = ["generate", "hard_negative_pairs", "true_pairs"]
