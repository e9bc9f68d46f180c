"""glibc's malloc settings for training and prediction: keep freed memory for reuse.

A training batch of the default spiking network allocates and frees a few
dozen tensors of 0.25 to 2 MiB (every time step's potentials, spikes and
gradients). Once a block served by ``mmap`` is freed, glibc's malloc serves
blocks up to its size from the heap, but it returns the heap's free top to the
kernel as soon as that exceeds twice the size, so the next batch takes the
same memory back one page fault per 4 KiB: about 50,000 faults and a quarter
of an epoch's CPU time at one thread on ``make_classification(20000, 20)``
(``benchmarks/memory.py`` measures it on the user's path).

:func:`retain_freed_memory` fixes both of those thresholds at the largest
values glibc's own rule reaches (``DEFAULT_MMAP_THRESHOLD_MAX``: blocks up
to 32 MiB come from the heap, and 64 MiB of its free top is kept), once per
process, where the process runs on 64-bit glibc and its user has not set
malloc's parameters already.
"""

import os
import threading

#: mallopt's parameter numbers, from glibc's ``malloc.h``.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: glibc's ``DEFAULT_MMAP_THRESHOLD_MAX`` on 64-bit: the largest block its
#: dynamic rule serves from the heap instead of a fresh ``mmap``.
MMAP_THRESHOLD = 32 * 2**20
#: Free heap top kept from the kernel: twice the mmap threshold, as glibc's
#: dynamic rule sets it.
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD
#: Environment variables by which a user sets glibc's malloc parameters;
#: where any was set when the process started, its malloc is left as
#: configured. dask's nanny starts its workers with ``MALLOC_TRIM_THRESHOLD_``
#: (``distributed.nanny.pre-spawn-environ``), and sets it in the process that
#: creates the nanny too, where glibc, which read its environment at start,
#: never sees it.
USER_SETTINGS = (
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_TOP_PAD_",
    "MALLOC_MMAP_MAX_",
)

# None until the first call decides.
_state = {"retained": None}
_lock = threading.Lock()


def retain_freed_memory():
    """Keep freed blocks of up to 32 MiB in this process's heap, once.

    Called by every ``fit``, ``partial_fit`` and prediction; only the first
    call in a process does anything. glibc cannot switch back to its dynamic
    thresholds, so the setting stays for the life of the process: a process
    that trains may keep up to 64 MiB more of freed memory than it would
    otherwise. Start the process with any of :data:`USER_SETTINGS` set (or
    glibc's ``malloc`` tunables in ``GLIBC_TUNABLES``) to keep malloc's
    settings your own.

    Returns
    -------
    retained : bool
        Whether this process's malloc runs with these settings: False on a
        C library other than 64-bit glibc, where the user set malloc's
        parameters, or where ``mallopt`` refused them.
    """
    with _lock:
        if _state["retained"] is None:
            _state["retained"] = _user_left_malloc_alone() and _set_thresholds()
        return _state["retained"]


def _user_left_malloc_alone():
    environment = _startup_environment()
    if any(name in environment for name in USER_SETTINGS):
        return False
    return "glibc.malloc." not in environment.get("GLIBC_TUNABLES", "")


def _startup_environment():
    """The environment the process started with, which glibc read; ``os.environ`` elsewhere.

    Linux keeps it in ``/proc/self/environ``; variables set since do not show there.
    """
    try:
        with open("/proc/self/environ", "rb") as environ:
            entries = environ.read().split(b"\0")
    except OSError:
        return dict(os.environ)
    pairs = (entry.decode(errors="replace").partition("=") for entry in entries if entry)
    return {name: value for name, _, value in pairs}


def _set_thresholds():
    """Set both thresholds with glibc's ``mallopt``; whether it accepted them."""
    mallopt = _glibc_mallopt()
    if mallopt is None:
        return False
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    )


def _glibc_mallopt():
    """glibc's ``mallopt``, or None on another C library or a 32-bit process."""
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, ValueError, OSError):  # not glibc, or not POSIX
        return None
    import ctypes

    if not libc.startswith("glibc") or ctypes.sizeof(ctypes.c_void_p) != 8:
        return None
    mallopt = ctypes.CDLL(None).mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return mallopt
