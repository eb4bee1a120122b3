"""Matrix products without OpenBLAS's false alarms.

Some OpenBLAS kernels leave the floating-point "invalid" flag set after a product of finite
numbers (numpy/numpy#24067, OpenMathLib/OpenBLAS#1924), and numpy turns the flag into
"RuntimeWarning: invalid value encountered in matmul" — seen once here under load, with right
results. Our products are of finite scores and weights, so the flag says nothing; numpy's
maintainers suggest silencing it for matrix products.
"""
from __future__ import annotations

import numpy as np


def matmul(a, b):
    """`a @ b` with the spurious "invalid" flag ignored."""
    with np.errstate(invalid="ignore"):
        return a @ b
