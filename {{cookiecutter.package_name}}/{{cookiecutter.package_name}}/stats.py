"""Small numerical helpers."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def zscore(values: ArrayLike) -> NDArray[np.float64]:
    """Standardize values to zero mean and unit standard deviation.

    Parameters
    ----------
    values : array_like
        One-dimensional sample of at least two values, not all equal.

    Returns
    -------
    numpy.ndarray
        ``(values - mean) / std``, with the population standard deviation.

    Raises
    ------
    ValueError
        If there are fewer than two values or they are all equal.

    Examples
    --------
    >>> zscore([1.0, 2.0, 3.0])
    array([-1.22474487,  0.        ,  1.22474487])
    """
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size < 2:
        raise ValueError("zscore needs a one-dimensional sample of at least two values")
    std = array.std()
    if std == 0:
        raise ValueError("zscore is undefined when all values are equal")
    standardized: NDArray[np.float64] = (array - array.mean()) / std
    return standardized
