"""The estimators' Adam: torch's fused update, without importing torch._dynamo."""

import copy
import subprocess
import sys
import textwrap

import pytest
import torch

from snn_sklearn._adam import Adam


def _network(dtype):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 2)).to(
        dtype
    )


def _groups(network):
    weights = [network[0].weight, network[2].weight]
    biases = [network[0].bias, network[2].bias]
    return [{"params": weights}, {"params": biases, "weight_decay": 0.0}]


def _train(network, optimizer, steps, x):
    for _ in range(steps):
        optimizer.zero_grad()
        network(x).pow(2).mean().backward()
        optimizer.step()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_steps_are_bit_identical_to_torchs_fused_adam(dtype):
    ours, theirs = _network(dtype), _network(dtype)
    x = torch.randn(20, 5, dtype=dtype)
    _train(ours, Adam(_groups(ours), lr=1e-2, weight_decay=1e-3), 25, x)
    reference = torch.optim.Adam(_groups(theirs), lr=1e-2, weight_decay=1e-3, fused=True)
    _train(theirs, reference, 25, x)
    for mine, torchs in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(mine, torchs)


def test_state_dicts_load_across_both_optimizers_and_continue_identically():
    x = torch.randn(20, 5)
    ours, theirs = _network(torch.float32), _network(torch.float32)
    optimizer = Adam(_groups(ours), lr=1e-2, weight_decay=1e-3)
    _train(ours, optimizer, 5, x)
    theirs.load_state_dict(ours.state_dict())
    reference = torch.optim.Adam(_groups(theirs), lr=1e-2, weight_decay=1e-3, fused=True)
    reference.load_state_dict(copy.deepcopy(optimizer.state_dict()))
    restored = Adam(_groups(ours), lr=0.5)
    restored.load_state_dict(copy.deepcopy(reference.state_dict()))
    assert restored.param_groups[0]["lr"] == 1e-2
    _train(ours, restored, 5, x)
    _train(theirs, reference, 5, x)
    for mine, torchs in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(mine, torchs)


def test_a_state_of_other_groups_is_refused():
    network = _network(torch.float32)
    state = Adam(_groups(network)).state_dict()
    with pytest.raises(ValueError, match="parameter groups"):
        Adam(network.parameters()).load_state_dict(state)


def test_zero_grad_clears_or_zeroes_the_gradients():
    network = _network(torch.float32)
    optimizer = Adam(network.parameters())
    network(torch.randn(3, 5)).sum().backward()
    optimizer.zero_grad(set_to_none=False)
    assert all(torch.equal(p.grad, torch.zeros_like(p)) for p in network.parameters())
    optimizer.zero_grad()
    assert all(p.grad is None for p in network.parameters())


def test_step_returns_the_closures_loss():
    network = _network(torch.float32)
    optimizer = Adam(network.parameters())

    def closure():
        optimizer.zero_grad()
        loss = network(torch.ones(2, 5)).sum()
        loss.backward()
        return loss

    assert torch.is_tensor(optimizer.step(closure))


FIT_IN_A_FRESH_PROCESS = """
import sys
import numpy as np
from snn_sklearn import NonSpikingRegressor, SpikingClassifier
X = np.random.RandomState(0).randn(50, 3)
SpikingClassifier(hidden_layer_sizes=4, n_steps=2, max_iter=2).fit(X, X[:, 0] > 0)
NonSpikingRegressor(hidden_layer_sizes=4, max_iter=2).fit(X, X[:, 1]).predict(X)
print("torch._dynamo" in sys.modules)
"""


def test_fitting_never_imports_torch_dynamo():
    # Importing it took 1.2 to 2 s, paid by the first fit of every process.
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(FIT_IN_A_FRESH_PROCESS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert result.stdout.strip() == "False"
