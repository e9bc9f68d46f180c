r"""The first layer on the numeric embedding, at inference: table lookups, not a matrix product.

On one feature's channels of a
:class:`~snn_sklearn.embeddings.PiecewiseLinearEmbedding` (its softly clipped
value :math:`\tilde x` and its bins), the ``Linear`` that reads the embedding
is a piecewise-linear function of the feature's value :math:`x`, with a knot
at every bin edge. Between two edges, in *region* :math:`r`, every bin is
constant (0 or 1) but the one :math:`x` lies in, which is :math:`x`'s
position in it, :math:`\tau \in [0, 1]`, when it counts up, and
:math:`1 - \tau` when it counts down. The feature adds

.. math:: C_r + \tau\, D_r + \tilde x\, w

to the layer's output, where :math:`C_r` sums the weight columns of the bins
that are 1 in region :math:`r` (and of the bin :math:`x` lies in, if it
counts down), :math:`D_r = \pm` that bin's column and :math:`w` is the column
of :math:`\tilde x`.

:func:`embedded_linear` finds each value's region (one comparison per edge between two bins)
and sums the three table rows of every feature with
:func:`torch.nn.functional.embedding_bag`: ``3 * n_features`` rows of
``out_features`` per sample instead of a product with all ``n_channels``
columns. On the default spiking network (20 features of 16 bins, 128 neurons)
it computed the first layer of 10,000 rows in 3.5 ms instead of 12 ms on one
thread. It equals ``linear(embedding(x))`` up to the rounding of the sums.
Training keeps the matrix product, whose gradient it needs.
"""

import weakref

import torch
from torch.nn import functional as F

from .embeddings import soft_clip

# The tables of each Linear, with copies of what they were built from: a
# prediction reuses them for every chunk, a changed weight rebuilds them.
_TABLES = weakref.WeakKeyDictionary()


def embedded_linear(embedding, linear, x):
    """``linear(embedding(x))`` by table lookups, without autograd.

    Parameters
    ----------
    embedding : PiecewiseLinearEmbedding
        The embedding of the features.
    linear : torch.nn.Linear
        The layer that reads all of the embedding's channels.
    x : torch.Tensor of shape (batch, n_features)
        Features, in the layer's dtype and on its device.

    Returns
    -------
    outputs : torch.Tensor of shape (batch, out_features)
    """
    tables = _tables(embedding, linear)
    count = x.new_zeros(x.shape)
    reached = torch.empty_like(x)
    for edge in tables.edges:
        torch.ge(x, edge, out=reached)
        count.add_(reached)
    region = count.to(torch.int64).add_(tables.first_region)
    position = (x - tables.lower.take(region)).div_(tables.width.take(region)).clamp_(0.0, 1.0)
    rows = torch.cat(
        [region, region + tables.n_regions, tables.clip_rows.expand(len(x), -1)], dim=1
    )
    weights = torch.cat([torch.ones_like(position), position, soft_clip(x)], dim=1)
    summed = F.embedding_bag(rows, tables.rows, mode="sum", per_sample_weights=weights)
    return summed.add_(linear.bias)


def _tables(embedding, linear):
    sources = (
        linear.weight,
        linear.bias,
        embedding.feature,
        embedding.lower,
        embedding.width,
        embedding.scale,
    )
    cached = _TABLES.get(linear)
    if cached is not None and all(
        old.dtype == new.dtype and old.device == new.device and torch.equal(old, new)
        for old, new in zip(cached[0], sources, strict=True)
    ):
        return cached[1]
    tables = _LookupTables(embedding, linear)
    _TABLES[linear] = ([source.detach().clone() for source in sources], tables)
    return tables


class _LookupTables:
    """What :func:`embedded_linear` looks up, built in float64 and kept in the layer's dtype.

    A value's region is the bin it lies in, or the nearest bin: below the
    first edge its position clamps to 0 in the first bin, above the last to
    1 in the last, which is what the embedding's clamped bins compute. So
    only the edges between two bins are compared. Regions are numbered
    feature by feature, ``n_regions_per_feature`` (the most bins of a
    feature, at least 1) each; a feature with fewer bins never reaches its
    padding regions but for an infinite value, whose output is NaN anyway.

    Attributes
    ----------
    edges : torch.Tensor of shape (n_regions_per_feature - 1, n_features)
        The edges between two bins of each feature, row by row, padded with +inf.
    first_region : torch.Tensor of shape (n_features,)
        Number of each feature's first region.
    lower, width : torch.Tensor of shape (n_regions,)
        Lower edge and width of each region's bin (0 and 1 for padding).
    rows : torch.Tensor of shape (2 * n_regions + n_features, out_features)
        The :math:`C_r`, then the :math:`D_r`, then the :math:`w` of the module docstring.
    n_regions : int
    clip_rows : torch.Tensor of shape (1, n_features)
        Row of each feature's :math:`w` in ``rows``.
    """

    def __init__(self, embedding, linear):
        float64 = {"dtype": torch.float64, "device": linear.weight.device}
        n_features = embedding.n_features
        feature = embedding.feature
        n_bins = torch.bincount(feature, minlength=n_features)
        per_feature = max(int(n_bins.max()) if len(feature) else 0, 1)
        rank = (
            torch.arange(len(feature), device=feature.device) - (n_bins.cumsum(0) - n_bins)[feature]
        )
        weight = linear.weight.detach().to(**float64)
        out_features = weight.shape[0]

        down = torch.zeros(n_features, per_feature, 1, dtype=torch.bool, device=feature.device)
        down[feature, rank, 0] = embedding.scale[n_features:] < 0
        columns = weight.new_zeros(n_features, per_feature, out_features)
        columns[feature, rank] = weight[:, n_features:].T
        rising, falling = columns * ~down, columns * down
        # In bin k, the bins below it that count up are 1, and so are the bins
        # from k on that count down (bin k itself as 1 - position).
        zero = weight.new_zeros(n_features, 1, out_features)
        below_rising = torch.cat([zero, rising.cumsum(1)[:, :-1]], 1)
        from_falling = falling.flip(1).cumsum(1).flip(1)
        tables = [below_rising + from_falling, rising - falling]

        self.n_regions = n_features * per_feature
        lower = weight.new_zeros(n_features, per_feature)
        width = weight.new_ones(n_features, per_feature)
        lower[feature, rank] = embedding.lower.to(**float64)
        width[feature, rank] = embedding.width.to(**float64)
        edges = weight.new_full((per_feature - 1, n_features), torch.inf)
        inner = rank > 0
        edges[rank[inner] - 1, feature[inner]] = embedding.lower[inner].to(**float64)

        dtype = linear.weight.dtype
        self.edges = edges.to(dtype)
        self.lower = lower.view(-1).to(dtype)
        self.width = width.view(-1).to(dtype)
        self.first_region = torch.arange(n_features, device=feature.device) * per_feature
        self.clip_rows = (2 * self.n_regions + torch.arange(n_features, device=feature.device))[
            None
        ]
        tables = [table.reshape(self.n_regions, out_features) for table in tables]
        self.rows = torch.cat([*tables, weight[:, :n_features].T]).to(dtype)
