import numpy as np
import pytest

from {{ cookiecutter.package_name }} import zscore


def test_zscore_has_zero_mean_and_unit_std() -> None:
    result = zscore([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    assert result.mean() == pytest.approx(0.0)
    assert result.std() == pytest.approx(1.0)


def test_zscore_known_values() -> None:
    np.testing.assert_allclose(zscore([1, 2, 3]), [-1.224744871, 0.0, 1.224744871])


@pytest.mark.parametrize("values", [[], [1.0], [3.0, 3.0, 3.0], [[1.0, 2.0], [3.0, 4.0]]])
def test_zscore_rejects_degenerate_input(values: list[float] | list[list[float]]) -> None:
    with pytest.raises(ValueError, match="zscore"):
        zscore(values)
