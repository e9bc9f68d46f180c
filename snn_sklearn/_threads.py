"""How many CPU threads torch may use inside fit and predict, and in what CPU state.

:func:`torch_threads` is the context manager that ``fit``, ``partial_fit`` and
the prediction methods run in (it also flushes subnormal floats to zero there,
and keeps freed memory for reuse, see :mod:`snn_sklearn._memory`);
:func:`default_threads` is its policy for ``n_threads=None``, which
:func:`follow_free_cores` applies again at each epoch of a fit, and
:func:`batch_work` measures what the policy needs.

The policy comes from ``benchmarks/threads.py`` (results in
``benchmarks/results/threads.txt``): on these networks a second torch thread
pays only when one batch holds 1.5e8 multiply-accumulates or more, and
it costs several times its gain when another process holds a core.
"""

import os
import threading
import time
from contextlib import contextmanager

import joblib
import torch

from ._memory import retain_freed_memory

# Multiply-accumulates per batch (forward pass, all time steps, as batch_work
# counts them) per torch thread: a batch takes a second thread from twice this.
# The two-layer spiking network (two hidden layers of 128, 8 time steps) does
# about 1e8 in a batch of 200 rows, which ran no faster on two threads, and
# 2.5e8 in a batch of 512, which ran 1.45x faster on two threads of a quiet
# 2-core machine and 3x slower when another process held a core
# (make_classification(20000, 20), fits of 6 epochs): the free-core count of
# free_cpus guards that case. The one-layer default does 1.8e8 in a batch of
# 512, which ran 1.3x faster on two threads (fits of 10 epochs, 0.71 s
# against 0.92 s, ad hoc timing; benchmarks/user_path.py prints the default
# against one thread).
WORK_PER_THREAD = 7.5e7
#: Readings of the runnable-thread count that free_cpus takes the most of.
RUNNABLE_SAMPLES = 3

# Fits and predictions running now in this process, one per thread: joblib's
# threading backend or a dask worker with several threads runs them side by side,
# and torch threads beyond the free cores slow such small networks down (see
# benchmarks/results/parallel_search.txt).
_running = {"calls": 0, "budget": None}
_running_lock = threading.Lock()
_thread_state = threading.local()


def batch_work(module, rows, n_steps=1):
    """Multiply-accumulates of one forward pass of ``module`` over a batch.

    Parameters
    ----------
    module : torch.nn.Module
        The network; its :class:`torch.nn.Linear` layers are counted.
    rows : int
        Rows per batch.
    n_steps : int, default=1
        Time steps each row is run for.

    Returns
    -------
    work : int
    """
    macs = sum(m.weight.numel() for m in module.modules() if isinstance(m, torch.nn.Linear))
    return int(rows) * int(n_steps) * macs


def free_cpus():
    """CPUs this process may run on, less those other processes keep busy.

    Returns
    -------
    n_cpus : int
        At least 1. On Linux the busy CPUs are the threads of other processes
        runnable at this instant: ``/proc/loadavg``'s fourth field less this
        process's runnable threads, the most of :data:`RUNNABLE_SAMPLES`
        readings 0.2 ms apart. A process started a moment ago counts, and this
        process's own threads, still spinning after a parallel region, do not;
        both would be wrong in the one-minute load average. The readings err
        towards busy (a thread of this process that stops spinning between the
        two files is counted as another process's): a second thread on a busy
        core costs about 3x, one thread too few on a free core about 1.45x.
        Elsewhere the load average, less one for the calling thread, stands in.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    busy = _runnable_elsewhere()
    if busy is None:
        try:
            busy = os.getloadavg()[0] - 1
        except OSError:  # no load average (Windows)
            busy = 0
    return max(1, min(cpus, round(cpus - max(busy, 0))))


def _runnable_elsewhere():
    """Threads of other processes runnable now; None where unknown (not on Linux)."""
    counts = []
    for sample in range(RUNNABLE_SAMPLES):
        if sample:
            time.sleep(2e-4)
        try:
            before = _runnable_here()
            with open("/proc/loadavg") as loadavg:
                machine = int(loadavg.read().split()[3].split("/")[0])
            counts.append(machine - min(before, _runnable_here()))
        except (OSError, IndexError, ValueError):
            return None
    return max(0, max(counts))


def _runnable_here():
    """This process's threads that are runnable now (the calling one among them)."""
    count = 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/stat") as stat:
                # The state follows the command name, which is in parentheses.
                count += stat.read().rpartition(")")[2].split()[0] == "R"
        except OSError:  # the thread ended meanwhile
            pass
    return count


def default_threads(work, budget=None):
    """Threads for ``n_threads=None``: one for small batches, else the free cores.

    Parameters
    ----------
    work : int or None
        Multiply-accumulates per batch (see :func:`batch_work`); ``None``
        skips the size rule.
    budget : int or None, default=None
        Upper bound, by default torch's setting (which honours
        ``OMP_NUM_THREADS`` and :func:`torch.set_num_threads`).

    Returns
    -------
    n_threads : int
        ``1`` where ``work`` is below :data:`WORK_PER_THREAD`, else
        ``budget`` capped at :func:`free_cpus` and at one thread per
        :data:`WORK_PER_THREAD` of work.
    """
    budget = torch.get_num_threads() if budget is None else budget
    if work is None:
        return max(1, budget)
    wanted = min(budget, int(work // WORK_PER_THREAD))
    # free_cpus costs a few milliseconds: only asked where a second thread may pay.
    return 1 if wanted <= 1 else min(wanted, free_cpus())


@contextmanager
def torch_threads(n_threads, work=None):
    """Let torch use ``n_threads`` CPU threads, subnormals flushed, inside the block.

    The first block in a process also makes glibc keep freed memory for
    reuse (:func:`~snn_sklearn._memory.retain_freed_memory`), for good.

    Subnormal floats (below 1.2e-38 in float32) are flushed to zero in the
    calling thread while the block runs, and flushing is turned off again
    after it (torch's default; torch has no way to read the previous state).
    Adam's moments of weights that get no gradient for a while (bins of the
    numeric embedding that a batch never reaches, say) decay into the
    subnormal range, where every operation on them costs about a hundred
    times more: on ``make_classification(20000, 20)`` epochs went from 0.6 s
    to 13 s after epoch 17 without flushing.

    Parameters
    ----------
    n_threads : int or None
        Thread count, capped at the number of CPUs. ``None`` shares the
        process's torch setting (which honours ``OMP_NUM_THREADS``) equally
        among the blocks running at the same time in other threads, and
        within that share takes :func:`default_threads` of ``work``. A block
        inside another in the same thread keeps the outer block's setting.
    work : int or None, default=None
        Multiply-accumulates per batch of the computation inside the block
        (see :func:`batch_work`); ``None`` takes the whole share.

    Notes
    -----
    torch loads its ``libgomp`` with ``RTLD_GLOBAL``: the scikit-learn
    extension modules loaded after it (``HistGradientBoosting*``'s, the
    losses') run their OpenMP regions on torch's runtime and thread pool, so
    the setting is restored on the way out rather than left for them.
    """
    if getattr(_thread_state, "inside", False):
        yield
        return
    retain_freed_memory()
    with _running_lock:
        if _running["calls"] == 0:
            _running["budget"] = torch.get_num_threads()
        _running["calls"] += 1
        budget = _running["budget"]
    # torch's setting is per thread once a thread has used it, and new threads
    # start from the last value set anywhere.
    previous = torch.get_num_threads()
    if n_threads is None:
        torch.set_num_threads(_default_share(work))
    else:
        # More threads than CPUs never helps, and enough of them abort the process in OpenMP.
        torch.set_num_threads(min(n_threads, joblib.cpu_count()))
    _thread_state.inside = True
    _thread_state.follows = n_threads is None
    _thread_state.work = work
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)
        _thread_state.inside = False
        with _running_lock:
            _running["calls"] -= 1
            last = _running["calls"] == 0
            torch.set_num_threads(budget if last else previous)


def follow_free_cores():
    """Apply the ``n_threads=None`` policy again, inside a running :func:`torch_threads` block.

    A fit calls this at the start of every epoch: its thread count then
    follows the machine's load and the fits running beside it in this
    process, instead of staying at what a single reading took at the fit's
    start (a process that was runnable at that instant held a whole quiet
    fit to one thread, about 1.4x slower, and one that starts later would
    make two threads cost about 3x). Outside a block, or in a block with an
    explicit ``n_threads``, it does nothing. It costs a reading of
    :func:`free_cpus` (about 1.5 ms) only where a second thread may pay.
    """
    if getattr(_thread_state, "inside", False) and _thread_state.follows:
        torch.set_num_threads(_default_share(_thread_state.work))


def _default_share(work):
    """:func:`default_threads` of ``work`` within this block's equal share of the budget, now."""
    with _running_lock:
        budget, sharing = _running["budget"], _running["calls"]
    return default_threads(work, max(1, budget // sharing))
