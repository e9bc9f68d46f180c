"""Training and inference speed of SpikingClassifier against snntorch and the seed.

Network (issue 6): features -> 128 LIF -> 128 LIF -> classes, 16 steps, direct
input, beta 0.9, threshold 1, fast-sigmoid surrogate, Adam, batch 64, a fixed
number of epochs, no validation split, on ``load_digits``, float32, 2 threads.
Every number is a ratio measured side by side in this process.

1. ``SpikingClassifier.fit`` (the whole estimator) against the same network
   written the usual way with snntorch (``snn.Leaky`` stepped in a Python loop,
   a ``DataLoader``), and against snntorch fed by tensor slices.
2. ``predict_proba`` on the test set tiled to ~9000 rows against the floor: the
   same dense float32 matmuls alone.
3. The default ``SpikingClassifier()`` against the seed's recipe (pynmsnn 0.0.3:
   its network, 64 steps, 100 full-batch Adam epochs), if ``pynmsnn`` is installed
   (``pip install --no-deps pynmsnn``).
4. Achieved GFLOP/s of the training step against ``torch.mm`` on the same shapes.
5. Where a CUDA device exists: training throughput at batch 4096 of
   ``SpikingClassifier(device="cuda")`` against the snntorch loop on the same card.

Run ``python benchmarks/speed.py`` (``--epochs``, ``--repeats`` to change the work).
"""

import argparse
import statistics
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier

HIDDEN = 128
N_STEPS = 16
BATCH = 64
GPU_BATCH = 4096
LEARNING_RATE = 2e-3
WEIGHT_DECAY = 1e-4


def load_data():
    """Standardised float32 digits, split 75/25."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return (
        scaler.transform(X_train).astype(np.float32),
        scaler.transform(X_test).astype(np.float32),
        y_train,
        y_test,
    )


def timed(function, repeats):
    """Median wall time of ``function()`` over ``repeats`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def our_estimator(epochs):
    """The issue's network as a SpikingClassifier, training a fixed number of epochs.

    The features enter as they are (``input_bins=0``), with no spike penalty,
    no validation split and a constant learning rate, as in the snntorch
    network: the defaults' numeric embedding, penalty and early stopping
    came after issue 6 and are not part of its network.
    """
    return SpikingClassifier(
        hidden_layer_sizes=(HIDDEN, HIDDEN),
        input_bins=0,
        spike_penalty=0.0,
        early_stopping=False,
        learning_rate="constant",
        n_steps=N_STEPS,
        batch_size=BATCH,
        learning_rate_init=LEARNING_RATE,
        alpha=WEIGHT_DECAY,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs,
        random_state=0,
    )


def snntorch_network(n_features, n_classes):
    """The same network written the usual way with snntorch."""
    import snntorch as snn
    from snntorch import surrogate

    class Network(torch.nn.Module):
        def __init__(self):
            super().__init__()
            spike_grad = surrogate.fast_sigmoid(slope=25)
            self.fc1 = torch.nn.Linear(n_features, HIDDEN)
            self.lif1 = snn.Leaky(beta=0.9, spike_grad=spike_grad)
            self.fc2 = torch.nn.Linear(HIDDEN, HIDDEN)
            self.lif2 = snn.Leaky(beta=0.9, spike_grad=spike_grad)
            self.fc3 = torch.nn.Linear(HIDDEN, n_classes)
            self.readout = snn.Leaky(beta=0.9, reset_mechanism="none")

        def forward(self, x):
            mem1, mem2, mem3 = (
                layer.init_leaky() for layer in (self.lif1, self.lif2, self.readout)
            )
            current1 = self.fc1(x)
            total = 0
            for _ in range(N_STEPS):
                spk1, mem1 = self.lif1(current1, mem1)
                spk2, mem2 = self.lif2(self.fc2(spk1), mem2)
                _, mem3 = self.readout(self.fc3(spk2), mem3)
                total = total + mem3
            return total / N_STEPS

    return Network()


def snntorch_fit(X, y, epochs, use_dataloader, batch=BATCH, device="cpu"):
    """Train the snntorch network; returns the trained network."""
    torch.manual_seed(0)
    X_t, y_t = torch.from_numpy(X).to(device), torch.from_numpy(y).long().to(device)
    network = snntorch_network(X.shape[1], int(y.max()) + 1).to(device)
    optimizer = torch.optim.Adam(network.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    dataset = torch.utils.data.TensorDataset(X_t, y_t)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch, shuffle=True)
    for _ in range(epochs):
        if use_dataloader:
            batches = loader
        else:
            order = torch.randperm(len(X_t), device=device)
            batches = (
                (X_t[order[i : i + batch]], y_t[order[i : i + batch]])
                for i in range(0, len(X_t), batch)
            )
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(network(xb), yb)
            loss.backward()
            optimizer.step()
    if device == "cuda":
        torch.cuda.synchronize()
    return network


def accuracy(network, X, y):
    """Test accuracy of a torch network returning logits."""
    with torch.no_grad():
        return float((network(torch.from_numpy(X)).argmax(1).numpy() == y).mean())


def matmul_floor(estimator, X):
    """The dense float32 matmuls of one forward pass, alone.

    The first layer on the static input once, the second on all steps' spikes,
    the readout on the pooled spikes.
    """
    module = estimator.net_.module_
    w1 = module.linears[0].weight.detach().T.contiguous()
    w2 = module.linears[1].weight.detach().T.contiguous()
    w3 = module.readout.linear.weight.detach().T.contiguous()
    x = torch.from_numpy(X)
    hidden = torch.zeros(N_STEPS * len(X), HIDDEN)
    # The mean readout reads the spikes pooled over the steps, one row per sample.
    pooled = torch.zeros(len(X), HIDDEN)

    def run():
        with torch.no_grad():
            x @ w1
            hidden @ w2
            pooled @ w3

    return run


def section_fit(data, epochs, repeats):
    X_train, X_test, y_train, y_test = data
    # One warm-up epoch each, so that no timing includes first-call set-up.
    our_estimator(1).fit(X_train, y_train)
    snntorch_fit(X_train, y_train, 1, True)
    ours_time, ours = timed(lambda: our_estimator(epochs).fit(X_train, y_train), repeats)
    loader_time, loader_net = timed(lambda: snntorch_fit(X_train, y_train, epochs, True), repeats)
    slice_time, slice_net = timed(lambda: snntorch_fit(X_train, y_train, epochs, False), repeats)
    print(f"\n1. fit, {epochs} epochs, batch {BATCH} (median of {repeats})")
    print(f"{'implementation':<42}{'test accuracy':>14}{'time / ours':>13}")
    print(
        f"{'SpikingClassifier.fit (estimator)':<42}{ours.score(X_test, y_test):>14.4f}{1.0:>12.2f}x"
    )
    for name, seconds, network in [
        ("snntorch loop, DataLoader (usual way)", loader_time, loader_net),
        ("snntorch loop, tensor slices", slice_time, slice_net),
    ]:
        print(f"{name:<42}{accuracy(network, X_test, y_test):>14.4f}{seconds / ours_time:>12.2f}x")
    return ours


def section_predict(data, estimator, repeats):
    _, X_test, _, _ = data
    tiled = np.tile(X_test, (int(np.ceil(9000 / len(X_test))), 1))[:9000]
    estimator.predict_proba(tiled)
    ours_time, _ = timed(lambda: estimator.predict_proba(tiled), repeats)
    floor_time, _ = timed(matmul_floor(estimator, tiled), repeats)
    print(f"\n2. predict_proba on {len(tiled)} rows (median of {repeats})")
    print(f"{'predict_proba / dense-matmul floor':<42}{ours_time / floor_time:>12.2f}x")


def section_seed(data, repeats):
    try:
        from pyNM.spiking_multiclass_classifier import SpikingNeuralNetwork
    except ImportError:
        print("\n3. seed recipe skipped: pip install --no-deps pynmsnn")
        return
    X_train, X_test, y_train, y_test = data
    X_t, y_t = torch.from_numpy(X_train), torch.from_numpy(y_train).long()

    def seed_fit():
        torch.manual_seed(0)
        network = SpikingNeuralNetwork("cpu", X_train.shape[1], 10, n_time_steps=64, begin_eval=0)
        optimizer = torch.optim.Adam(network.parameters(), lr=1e-3)
        for _ in range(100):
            optimizer.zero_grad()
            torch.nn.functional.nll_loss(network(X_t), y_t).backward()
            optimizer.step()
        return network

    ours_time, ours = timed(
        lambda: SpikingClassifier(random_state=0).fit(X_train, y_train), repeats
    )
    seed_time, seed_net = timed(seed_fit, repeats)
    print(f"\n3. default SpikingClassifier() vs the seed's recipe (median of {repeats})")
    print(f"{'implementation':<42}{'test accuracy':>14}{'time / ours':>13}")
    print(f"{'SpikingClassifier() defaults':<42}{ours.score(X_test, y_test):>14.4f}{1.0:>12.2f}x")
    seed_accuracy = accuracy(seed_net, X_test, y_test)
    seed_name = "pynmsnn 0.0.3, 64 steps, 100 epochs"
    print(f"{seed_name:<42}{seed_accuracy:>14.4f}{seed_time / ours_time:>12.2f}x")


def section_flops(data, repeats):
    X_train, _, y_train, _ = data
    estimator = our_estimator(1).fit(X_train, y_train)
    module = estimator.net_.module_
    xb = torch.from_numpy(X_train[:BATCH])
    yb = torch.from_numpy(y_train[:BATCH]).long()

    def step():
        module.zero_grad()
        torch.nn.functional.cross_entropy(module(xb), yb).backward()

    n_features, n_classes = X_train.shape[1], 10
    rows = N_STEPS * BATCH
    # forward + two backward matmuls per layer; the first layer runs once (direct input)
    flops = (
        3 * 2 * (BATCH * n_features * HIDDEN + rows * HIDDEN * HIDDEN + BATCH * HIDDEN * n_classes)
    )
    a = torch.randn(rows, HIDDEN)
    w = torch.randn(HIDDEN, HIDDEN)
    step_time, _ = timed(step, repeats * 20)
    mm_time, _ = timed(lambda: a @ w, repeats * 20)
    mm_rate = 2 * rows * HIDDEN * HIDDEN / mm_time / 1e9
    print(
        f"\n4. training step, batch {BATCH}: {flops / step_time / 1e9:.1f} GFLOP/s achieved; "
        f"torch.mm ({rows}x{HIDDEN} @ {HIDDEN}x{HIDDEN}) {mm_rate:.1f} GFLOP/s "
        f"({flops / step_time / 1e9 / mm_rate:.0%} of it)"
    )


def section_gpu(data, epochs, repeats):
    if not torch.cuda.is_available():
        print("\n5. GPU throughput skipped: no CUDA device")
        return
    X_train, X_test, y_train, y_test = data
    # Digits tiled to 64 x 4096 rows, so that an epoch is 64 batches of 4096.
    copies = -(-64 * GPU_BATCH // len(X_train))
    X_big, y_big = np.tile(X_train, (copies, 1)), np.tile(y_train, copies)
    ours = our_estimator(epochs).set_params(batch_size=GPU_BATCH, device="cuda")
    ours.fit(X_big[:GPU_BATCH], y_big[:GPU_BATCH])
    snntorch_fit(X_big[:GPU_BATCH], y_big[:GPU_BATCH], 1, False, GPU_BATCH, "cuda")
    ours_time, ours = timed(lambda: ours.fit(X_big, y_big), repeats)
    loop_time, loop_net = timed(
        lambda: snntorch_fit(X_big, y_big, epochs, False, GPU_BATCH, "cuda"), repeats
    )
    rows = epochs * len(X_big)
    print(
        f"\n5. {torch.cuda.get_device_name()}: fit, batch {GPU_BATCH}, {len(X_big)} rows, "
        f"{epochs} epochs (median of {repeats})"
    )
    print(f"{'implementation':<42}{'test accuracy':>14}{'rows / s':>12}{'time / ours':>13}")
    print(
        f"{'SpikingClassifier.fit, device=cuda':<42}{ours.score(X_test, y_test):>14.4f}"
        f"{rows / ours_time:>12.0f}{1.0:>12.2f}x"
    )
    loop_accuracy = accuracy(loop_net.cpu(), X_test, y_test)
    print(
        f"{'snntorch loop, tensor slices, cuda':<42}{loop_accuracy:>14.4f}"
        f"{rows / loop_time:>12.0f}{loop_time / ours_time:>12.2f}x"
    )


def main(argv=None):
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    data = load_data()
    estimator = section_fit(data, args.epochs, args.repeats)
    section_predict(data, estimator, args.repeats * 5)
    section_seed(data, 1)
    section_flops(data, args.repeats)
    section_gpu(data, args.epochs, args.repeats)


if __name__ == "__main__":
    main()
