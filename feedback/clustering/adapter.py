"""A learned linear map of centred e5 vectors of Chinese texts.

e5 reads short Chinese support questions coarsely: two that ask the same thing in
other words (怎么提升花呗金额 / 花呗额度怎么提高) often sit further apart than two that
differ in one telling word. ``bench/learn_adapter.py`` fits a square matrix ``W``
(starting from the identity) on the groups of the atec development set so that a
text is nearer to the other texts of its group than to unrelated ones (InfoNCE);
``Engine.adapt`` applies it to a centred vector before it is renormalised. English
texts are left alone: the same map costs gitbugs' English bug titles recall.

The matrix is stored as float16 NumPy (``adapter.npy``, 288 KB), read with
``allow_pickle=False``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

PATH = Path(__file__).resolve().parent / "adapter.npy"


@functools.cache
def matrix() -> np.ndarray:
    """``W`` (384 × 384, float32)."""
    return np.load(PATH, allow_pickle=False).astype(np.float32)
