"""Does accumulating only the active inputs' weights beat a dense matmul on spikes?

A hidden layer after the first gets binary spikes, ``(n_steps * rows, width)``,
and computes ``spikes @ W.T + b``. Where few inputs fire, summing the columns
of ``W`` of the active inputs does less arithmetic than the dense product.
This script times, on the CPU, for square layers of several widths and input
firing rates:

- ``dense``: ``torch.nn.functional.linear`` on the spike matrix (what the
  estimators do);
- ``index_add``: the active ``(row, input)`` pairs from ``nonzero``, then
  ``index_add_`` of the matching rows of ``W.T``;
- ``csr``: the spike matrix converted to CSR and ``torch.sparse.mm`` (the
  conversion included, as a prediction would have to pay it).

Each result is checked against ``dense``; times are medians of several calls
on one thread, reported as ratios to ``dense`` (below 1 would mean the sparse
path pays). The last line gives, per width, the highest firing rate at which a
sparse path beats the dense one, or says that none does.

Run ``python benchmarks/sparse_inference.py [--rows N] [--calls N]``.
"""

import argparse
import statistics
import time
import warnings

import torch

WIDTHS = (128, 512, 1024)
RATES = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
N_STEPS = 8


def dense(spikes, weight, bias):
    return torch.nn.functional.linear(spikes, weight, bias)


def index_add(spikes, weight, bias):
    rows, inputs = spikes.nonzero(as_tuple=True)
    out = bias.expand(spikes.shape[0], weight.shape[0]).clone()
    return out.index_add_(0, rows, weight.t()[inputs])


def csr(spikes, weight, bias):
    return torch.sparse.mm(spikes.to_sparse_csr(), weight.t()) + bias


METHODS = {"dense": dense, "index_add": index_add, "csr": csr}


def median_ms(function, args, calls):
    function(*args)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1024, help="rows per chunk (default 1024)")
    parser.add_argument("--calls", type=int, default=9)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta")
    generator = torch.Generator().manual_seed(0)
    print(
        f"torch {torch.__version__}, 1 thread, float32, spikes ({N_STEPS} steps x "
        f"{args.rows} rows, width) @ (width, width); median of {args.calls} calls"
    )
    print(f"{'width':>6} {'rate':>7} {'dense ms':>9} {'index_add/dense':>16} {'csr/dense':>10}")
    best_rate = {}
    for width in WIDTHS:
        weight = torch.randn(width, width, generator=generator)
        bias = torch.randn(width, generator=generator)
        for rate in RATES:
            shape = (N_STEPS * args.rows, width)
            spikes = (torch.rand(shape, generator=generator) < rate).float()
            reference = dense(spikes, weight, bias)
            times = {}
            for name, method in METHODS.items():
                torch.testing.assert_close(
                    method(spikes, weight, bias), reference, rtol=1e-4, atol=1e-3
                )
                times[name] = median_ms(method, (spikes, weight, bias), args.calls)
            ratios = {name: times[name] / times["dense"] for name in ("index_add", "csr")}
            if min(ratios.values()) < 1:
                best_rate[width] = max(best_rate.get(width, 0), rate)
            print(
                f"{width:>6} {rate:>7.3f} {times['dense']:>9.2f} "
                f"{ratios['index_add']:>15.2f}x {ratios['csr']:>9.2f}x"
            )
    for width in WIDTHS:
        if width in best_rate:
            print(f"width {width}: a sparse path pays up to a firing rate of {best_rate[width]}")
        else:
            print(f"width {width}: no sparse path beats the dense matmul at any rate tried")


if __name__ == "__main__":
    main()
