"""Settings shared by the whole test suite."""

import torch

# The networks under test are tiny: torch's intra-op threads only contend for the
# cores, and on a loaded two-core machine they slow a fit down about tenfold.
torch.set_num_threads(1)
