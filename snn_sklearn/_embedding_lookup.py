r"""The first layer on the numeric embedding, at inference: table lookups, not a matrix product.

On one feature's channels of a
:class:`~snn_sklearn.embeddings.PiecewiseLinearEmbedding` (its softly clipped
value :math:`\tilde x` and its bins), the ``Linear`` that reads the embedding
is a piecewise-linear function of the feature's value :math:`x`, with a knot
at every bin edge. While :math:`x` lies in bin :math:`r` (its *region*), every
other bin is constant, 0 or 1, and bin :math:`r` is :math:`x`'s position in
it, :math:`\tau \in [0, 1]`, when it counts up, and :math:`1 - \tau` when it
counts down. So the feature adds

.. math:: C_r + \tau\, D_r + \tilde x\, w

to the layer's output, where :math:`C_r` sums the weight columns of the bins
that are 1 in region :math:`r` (and bin :math:`r`'s own if it counts down),
:math:`D_r = \pm` bin :math:`r`'s column and :math:`w` is the column of
:math:`\tilde x`.

:func:`embedded_linear` finds each value's region (one comparison per edge
between two bins) and sums the three table rows of every feature with
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

#: Channels per feature (its clipped value and its bins) from which the lookup
#: is used: with 40 features and 128 outputs on one thread, 4,096 rows took
#: 4.1 ms by lookup against 17.8 ms by the product at 3 bins a feature, and 8.2
#: against 1.9 ms at 1 bin (one-hot columns), where the product stays.
MIN_CHANNELS_PER_FEATURE = 4

# The tables of each Linear, with copies of what they were built from: a
# prediction reuses them for every chunk, a changed weight rebuilds them.
_TABLES = weakref.WeakKeyDictionary()


def embedded_linear(embedding, linear, x):
    """``linear(embedding(x))``, without autograd, by table lookups where they pay.

    The embedding needs :data:`MIN_CHANNELS_PER_FEATURE` channels per
    feature on average; otherwise the matrix product is computed.

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
    if embedding.n_outputs < MIN_CHANNELS_PER_FEATURE * embedding.n_features:
        return linear(embedding(x))
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
    only the edges between two bins are compared. Regions are the bins,
    numbered feature by feature, and one region of zeros for a feature
    without bins.

    Attributes
    ----------
    edges : torch.Tensor of shape (most bins of a feature - 1, n_features)
        The edges between two bins of each feature, row by row, padded with
        NaN, which no value reaches.
    first_region : torch.Tensor of shape (n_features,)
        Number of each feature's first region.
    lower, width : torch.Tensor of shape (n_regions,)
        Lower edge and width of each region's bin (0 and 1 for a region of zeros).
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
        n_bins, first_bin, rank = embedding.bin_layout()
        n_regions = n_bins.clamp_min(1)
        self.n_regions = int(n_regions.sum())
        self.first_region = n_regions.cumsum(0) - n_regions
        region = self.first_region[feature] + rank
        weight = linear.weight.detach().to(**float64)

        columns = weight[:, n_features:].T
        down = (embedding.scale[n_features:] < 0)[:, None]
        rising, falling = columns * ~down, columns * down
        # In bin k, the bins below it that count up are 1, and so are the bins
        # from k on that count down (bin k itself as 1 - position): sums within
        # each feature, from exclusive cumulative sums over all bins.
        rising_before = rising.cumsum(0) - rising
        falling_before = falling.cumsum(0) - falling
        last_bin = first_bin + n_bins - 1
        falling_through_last = falling_before + falling
        below_rising = rising_before - rising_before[first_bin[feature]]
        from_falling = falling_through_last[last_bin[feature]] - falling_before
        constant = weight.new_zeros(self.n_regions, weight.shape[0])
        slope = weight.new_zeros(self.n_regions, weight.shape[0])
        constant[region] = below_rising + from_falling
        slope[region] = rising - falling

        lower = weight.new_zeros(self.n_regions)
        width = weight.new_ones(self.n_regions)
        lower[region] = embedding.lower.to(**float64)
        width[region] = embedding.width.to(**float64)
        most = int(n_bins.max()) if len(feature) else 0
        edges = weight.new_full((max(most - 1, 0), n_features), torch.nan)
        inner = rank > 0
        edges[rank[inner] - 1, feature[inner]] = embedding.lower[inner].to(**float64)

        dtype = linear.weight.dtype
        self.edges = edges.to(dtype)
        self.lower = lower.to(dtype)
        self.width = width.to(dtype)
        self.clip_rows = (2 * self.n_regions + torch.arange(n_features, device=feature.device))[
            None
        ]
        self.rows = torch.cat([constant, slope, weight[:, :n_features].T]).to(dtype)
