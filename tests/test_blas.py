"""kb.blas.matmul: the product, without OpenBLAS's spurious "invalid" flag turned into a warning."""
from __future__ import annotations

import warnings

import numpy as np

from kb.blas import matmul


def test_it_is_the_product():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.array([1, 0, 2, 1], np.float32)
    assert np.array_equal(matmul(a, b), a @ b)


def test_a_flag_raised_inside_the_product_does_not_warn():
    # stand in for OpenBLAS: a product that raises the "invalid" flag and still returns numbers
    class Flagging(np.ndarray):
        def __matmul__(self, other):
            np.zeros(1) / np.zeros(1)  # sets FE_INVALID, numpy reports it per errstate
            return np.asarray(self).__matmul__(other)

    a = np.ones((2, 2)).view(Flagging)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.array_equal(matmul(a, np.ones(2)), [2.0, 2.0])
