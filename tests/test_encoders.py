"""The input encoders: what each emits for given features."""

import torch

from snn_sklearn.encoders import PopulationEncoder


def test_population_code_is_exactly_zero_far_from_a_centre():
    # 12.5 lies 14 receptive-field widths from the last centre (2.5): exp(-98)
    # is a subnormal float32, which exp's scalar path returns and its vectorised
    # path rounds to 0.
    x = torch.full((37, 3), 12.5)
    code = PopulationEncoder()(x, n_steps=4)
    tiny = torch.finfo(code.dtype).tiny
    assert not ((code > 0) & (code < tiny)).any()


def test_population_code_of_a_row_does_not_depend_on_the_batch():
    x = torch.linspace(-13.0, 13.0, 3 * 41).reshape(41, 3)
    encoder = PopulationEncoder()
    batch = encoder(x, n_steps=4)
    for row in range(len(x)):
        assert torch.equal(encoder(x[row : row + 1], n_steps=4)[0], batch[row])
