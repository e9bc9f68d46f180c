"""Adam with torch's fused kernel, without ``torch.optim.Optimizer``'s first-call cost.

The public methods of ``torch.optim.Optimizer`` are wrapped so that their first
call in a process imports ``torch._dynamo`` (to keep ``torch.compile`` out of
them), which took 1.2 to 2 seconds on a 2-core machine: more than a whole fit on
a table of a few hundred rows. This subclass overrides every one of them and
runs the same update through the same kernel, ``torch._fused_adam_`` (what
``torch.optim.Adam(fused=True)`` calls), so its steps are bit-identical to that
optimizer's, with torch's ``state_dict`` format; it never imports
``torch._dynamo``. It stays a ``torch.optim.Optimizer``, which skorch needs to
track it.
"""

from collections import defaultdict

import torch

# The options of torch.optim.Adam that this update fixes, kept in every group so
# that torch's Adam loads this optimizer's state_dict as its fused variant.
TORCH_ADAM_OPTIONS = {
    "amsgrad": False,
    "maximize": False,
    "foreach": None,
    "capturable": False,
    "differentiable": False,
    "fused": True,
    "decoupled_weight_decay": False,
}


class Adam(torch.optim.Optimizer):
    """Adam (Kingma & Ba, 2015) with L2 weight decay, as ``torch.optim.Adam(fused=True)``.

    Parameters
    ----------
    params : iterable of torch.nn.Parameter or of dict
        The parameters, or parameter groups: dicts with ``"params"`` and any of
        the options below, which override the defaults for that group.
    lr : float, default=1e-3
        Learning rate.
    betas : tuple of float, default=(0.9, 0.999)
        Decay rates of the first and second moment estimates.
    eps : float, default=1e-8
        Added to the denominator.
    weight_decay : float, default=0.0
        L2 penalty, added to the gradient (not decoupled, as in ``torch.optim.Adam``).

    Attributes
    ----------
    param_groups : list of dict
        The groups, each with its ``"params"`` and options.
    state : dict
        Per parameter: ``"step"`` (a float32 scalar tensor), ``"exp_avg"`` and
        ``"exp_avg_sq"``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            **TORCH_ADAM_OPTIONS,
        }
        super().__init__(params, defaults)

    def add_param_group(self, group):
        """Add a parameter group, its missing options taken from the defaults."""
        group = {**self.defaults, **group}
        group["params"] = list(group["params"])
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Clear the gradients: ``None`` by default, as torch's optimizers do."""
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    param.grad.detach_().zero_()

    @torch.no_grad()
    def step(self, closure=None):
        """Update every parameter that has a gradient; return ``closure()``'s loss, if given."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            states = [self._state(p) for p in params]
            steps = [state["step"] for state in states]
            torch._foreach_add_(steps, 1)
            beta1, beta2 = group["betas"]
            torch._fused_adam_(
                params,
                [p.grad for p in params],
                [state["exp_avg"] for state in states],
                [state["exp_avg_sq"] for state in states],
                [],
                steps,
                amsgrad=False,
                lr=group["lr"],
                beta1=beta1,
                beta2=beta2,
                weight_decay=group["weight_decay"],
                eps=group["eps"],
                maximize=False,
                grad_scale=None,
                found_inf=None,
            )
        return loss

    def _state(self, param):
        if param not in self.state:
            self.state[param] = {
                "step": torch.zeros((), dtype=torch.float32, device=param.device),
                "exp_avg": torch.zeros_like(param, memory_format=torch.preserve_format),
                "exp_avg_sq": torch.zeros_like(param, memory_format=torch.preserve_format),
            }
        return self.state[param]

    def state_dict(self):
        """The state in ``torch.optim.Optimizer.state_dict``'s format: parameters by index."""
        index = {}
        groups = []
        for group in self.param_groups:
            options = {key: value for key, value in group.items() if key != "params"}
            groups.append(
                {**options, "params": [index.setdefault(p, len(index)) for p in group["params"]]}
            )
        state = {index[param]: dict(value) for param, value in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Load a state from :meth:`state_dict`, onto the parameters' devices and dtypes."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups) or any(
            len(saved["params"]) != len(group["params"])
            for saved, group in zip(saved_groups, self.param_groups, strict=True)
        ):
            raise ValueError("The loaded state does not match this optimizer's parameter groups.")
        by_index = {}
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            by_index.update(zip(saved["params"], group["params"], strict=True))
            group.update({key: value for key, value in saved.items() if key != "params"})
        self.state = defaultdict(dict)
        for index, value in state_dict["state"].items():
            param = by_index[index]
            self.state[param] = {
                "step": torch.as_tensor(
                    value["step"], dtype=torch.float32, device=param.device
                ).clone(),
                "exp_avg": torch.as_tensor(value["exp_avg"]).to(param).clone(),
                "exp_avg_sq": torch.as_tensor(value["exp_avg_sq"]).to(param).clone(),
            }
