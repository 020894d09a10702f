"""Figures and tables of chapters 8-9: the likelihood ratio and the policy gradient theorem.

Every number here comes from [`fa_book.policy_gradient`][fa_book.policy_gradient]; seeds and
sizes are fixed in the functions and stated in the page captions.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fa_book._doc import config_table
from fa_book.figures._style import save, t_half, write_table
from fa_book.oracles import FiniteMDP
from fa_book.policies import SoftmaxLinearPolicy
from fa_book.policy_gradient import (
    AscentConfig,
    dropped_discount_direction,
    estimator_distribution,
    estimator_variance,
    exact_gradient,
    j_average_reward,
    j_average_value,
    j_start,
    lr_samples,
    one_step_ascent,
    one_step_gradient,
    optimal_baseline,
    pg_average_reward,
    pg_average_value,
    pg_average_value_discounted_q,
    pg_start,
    random_one_step_mdp,
)

__all__ = [
    "example_one_step",
    "table_policy_gradient_config",
    "figure_policy_gradient_learning",
    "figure_policy_gradient_objectives",
    "figure_policy_gradient_variance",
    "random_problem",
    "table_policy_gradient_theorem",
    "table_policy_gradient_variance",
]


def example_one_step(offset: float = 0.0):
    """The page's one-step MDP (seed 0): 3 states, 4 actions, 2 features, theta = 0."""
    rng = np.random.default_rng(0)
    mdp = random_one_step_mdp(rng, 3, 4, offset=offset)
    policy = SoftmaxLinearPolicy(2, 4)
    X = rng.uniform(-1, 1, (3, 4, 2))
    return mdp, policy, X, np.zeros(2)


def random_problem(seed: int, S: int = 5, A: int = 3, d: int = 4, gamma: float = 0.9,
                   terminate: float = 0.0):
    """A random dense MDP with a softmax policy on random action features (one seed)."""
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(S, A)) * (1 - terminate)
    mdp = FiniteMDP(P, rng.uniform(-1, 1, (S, A)), gamma, rng.dirichlet(np.ones(S)))
    policy = SoftmaxLinearPolicy(d, A)
    return mdp, policy, rng.uniform(-1, 1, (S, A, d)), rng.uniform(-2, 2, d)


def _baselines(mdp, policy, theta, X):
    V = (policy.pi(theta, X) * mdp.R).sum(1)
    return {"none, b = 0": None, "b(s) = V(s)": V,
            "optimal b*(s)": optimal_baseline(mdp, policy, theta, X)}


def _save_png(fig, out_dir: Path, name: str) -> Path:
    """Lay out `fig`, save it as `out_dir/name.png` (`_style.save`) and close it."""
    fig.tight_layout()
    return save(fig, out_dir, name)


def _variances(mdp, policy, theta, X, b, n: int, rng) -> tuple[float, float]:
    """(exact total variance, total variance measured from n samples) of the one-sample
    LR estimator with baseline b."""
    exact = estimator_variance(*estimator_distribution(mdp, policy, theta, X, b))
    g = lr_samples(mdp, policy, theta, X, n, rng, b)
    return exact, ((g - g.mean(0)) ** 2).sum(1).mean()


def table_policy_gradient_variance(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Exact and measured variance of the one-sample LR estimator, per baseline, for reward
    offsets 0 and 5 on the page's one-step MDP (sampling seed 1)."""
    n = 2_000 if quick else 100_000
    rng = np.random.default_rng(1)
    rows = ["| reward offset c | baseline | exact total variance | measured (n = "
            f"{n}) | exact gradient norm |", "|---|---|---|---|---|"]
    for offset in (0.0, 5.0):
        mdp, policy, X, theta = example_one_step(offset)
        grad_norm = np.linalg.norm(one_step_gradient(mdp, policy, theta, X))
        for name, b in _baselines(mdp, policy, theta, X).items():
            exact, measured = _variances(mdp, policy, theta, X, b, n, rng)
            rows.append(f"| {offset:g} | {name} | {exact:.4f} | {measured:.4f} | "
                        f"{grad_norm:.4f} |")
    return [write_table(out_dir, "policy_gradient_variance", "\n".join(rows) + "\n")]


def figure_policy_gradient_variance(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Total variance of the one-sample LR estimator against a constant added to every
    reward: exact (lines) and measured from n samples (markers), per baseline."""
    offsets = np.linspace(-6, 6, 7 if quick else 25)
    n = 1_000 if quick else 20_000
    rng = np.random.default_rng(2)
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for k, name in enumerate(("none, b = 0", "b(s) = V(s)", "optimal b*(s)")):
        exact, measured = [], []
        for c in offsets:
            mdp, policy, X, theta = example_one_step(c)
            b = _baselines(mdp, policy, theta, X)[name]
            e, m = _variances(mdp, policy, theta, X, b, n, rng)
            exact.append(e)
            measured.append(m)
        ax.plot(offsets, exact, color=f"C{k}", label=f"{name} (exact)")
        ax.plot(offsets, measured, "o", color=f"C{k}", ms=4, label=f"{name} (n = {n})")
    ax.set_yscale("log")
    ax.set_xlabel("constant c added to every reward $r_{sa}$")
    ax.set_ylabel(r"total variance $\mathbb{E}\|\hat g - \nabla J\|^2$")
    ax.set_title("One-sample likelihood-ratio estimator: a baseline removes the offset",
                 fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    return [_save_png(fig, out_dir, "policy_gradient_variance")]


def table_policy_gradient_config(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The hyperparameters of the learning-curve figure, rendered from `AscentConfig`."""
    return [write_table(out_dir, "policy_gradient_config", config_table(AscentConfig()))]


def figure_policy_gradient_learning(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Gradient ascent on J for the page's one-step MDP with rewards offset by +5: the exact
    gradient, and LR estimates from 4 samples per step with and without b(s) = V(s)."""
    seeds = range(3 if quick else 50)
    base = AscentConfig(steps=20) if quick else AscentConfig()
    mdp, policy, X, _ = example_one_step(5.0)
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    runs = {"exact gradient": "exact", "LR, no baseline": "lr", "LR, b(s) = V(s)": "lr_baseline"}
    for k, (label, kind) in enumerate(runs.items()):
        config = dataclasses.replace(base, gradient=kind)
        curves = np.stack([one_step_ascent(mdp, policy, X, config, np.random.default_rng(seed))
                           for seed in seeds])
        mean = curves.mean(0)
        half = t_half(curves)
        ax.plot(mean, color=f"C{k}", label=label)
        ax.fill_between(np.arange(base.steps + 1), mean - half, mean + half, color=f"C{k}",
                        alpha=0.25)
    best = float(mdp.d @ mdp.R.max(1))
    ax.axhline(best, color="k", ls=":", lw=1, label=r"$\sum_s d(s)\max_a r_{sa}$")
    ax.set_xlabel("gradient-ascent step")
    ax.set_ylabel(r"$J(\theta)$")
    ax.set_title(f"One-step MDP, rewards + 5; {len(seeds)} seeds, 95% band; "
                 f"batch {base.batch}, $\\alpha$ = {base.alpha}", fontsize=9)
    ax.legend(fontsize=8)
    return [_save_png(fig, out_dir, "policy_gradient_learning")]


def _rel(a, b) -> float:
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


THEOREM_J1 = r"theorem: $\eta_\gamma$-weighted, $Q_\gamma$"
SCALE = r"$\frac{1}{1-\gamma}\times$"


def _formulas(mdp, policy, X, theta):
    """(exact gradient, {formula name: value}) for each objective."""
    out = {}
    g1 = exact_gradient(j_start, mdp, theta, X)
    out["J_1"] = (g1, {THEOREM_J1: pg_start(mdp, policy, theta, X)})
    if np.allclose(mdp.P.sum(-1), 1):
        gr = exact_gradient(j_average_reward, mdp, theta, X)
        out["J_avR"] = (gr, {r"theorem: stationary $d$, differential $\tilde q$":
                             pg_average_reward(mdp, policy, theta, X)})
        gv = exact_gradient(j_average_value, mdp, theta, X)
        naive = pg_average_value_discounted_q(mdp, policy, theta, X)
        out["J_avV"] = (gv, {
            rf"{SCALE} stationary $d$, differential $\tilde q$":
                pg_average_value(mdp, policy, theta, X),
            rf"{SCALE} stationary $d$, discounted $Q_\gamma$": naive,
            r"notes' form: stationary $d$, $Q_\gamma$, no constant": naive * (1 - mdp.gamma)})
    else:
        out["J_1"][1][r"no $\gamma^t$: $\eta_1$-weighted, $Q_\gamma$"] = \
            dropped_discount_direction(mdp, policy, theta, X)
    return out


def table_policy_gradient_theorem(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Relative error ||formula - grad J|| / ||grad J|| of each right-hand side against
    autograd, over random MDPs (5 states, 3 actions, 4 features, gamma = 0.9)."""
    seeds = range(3 if quick else 100)
    errs: dict[tuple[str, str, str], list[float]] = {}
    for seed in seeds:
        for task, term in (("continuing", 0.0), ("episodic", 0.2)):
            mdp, policy, X, theta = random_problem(seed, terminate=term)
            for obj, (g, forms) in _formulas(mdp, policy, X, theta).items():
                for name, val in forms.items():
                    errs.setdefault((obj, task, name), []).append(_rel(val, g))
    rows = [f"| objective | task | right-hand side | median rel. error | max rel. error "
            f"({len(seeds)} MDPs) |", "|---|---|---|---|---|"]
    for (obj, task, name), e in errs.items():
        rows.append(f"| ${obj.replace('J_', 'J_{')}}}$ | {task} | {name} | "
                    f"{_error(np.median(e))} | {_error(np.max(e))} |")
    note = (f"\n\"< {ROUND_OFF:.0e}\" is float64 round-off: where a formula is exact, its"
            " error is that of the arithmetic, whose last digits change with the machine.\n")
    return [write_table(out_dir, "policy_gradient_theorem", "\n".join(rows) + "\n" + note)]


ROUND_OFF = 1e-13
"""Relative errors below this are float64 round-off (shown as "< 1e-13")."""


def _error(e: float) -> str:
    """A relative error for the table: round-off shown as a bound, so that the table is
    the same on every machine."""
    return f"< {ROUND_OFF:.0e}" if e < ROUND_OFF else f"{e:.1e}"


def figure_policy_gradient_objectives(out_dir: Path, *, quick: bool = False) -> list[Path]:
    r"""Relative error against autograd as $\gamma$ varies, median over random MDPs with the
    25-75% band: (left) $J_{avV}$ formulas, (right) $J_1$ with and without $\gamma^t$."""
    seeds = range(3 if quick else 40)
    gammas = np.array([0.5, 0.9, 0.99]) if quick else 1 - np.logspace(-3, np.log10(0.9), 17)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.0))
    panels = (("J_avV", 0.0, axes[0]), ("J_1", 0.2, axes[1]))
    for obj, term, ax in panels:
        curves: dict[str, list[list[float]]] = {}
        for seed in seeds:
            per_gamma: dict[str, list[float]] = {}
            for gamma in gammas:
                mdp, policy, X, theta = random_problem(seed, gamma=gamma, terminate=term)
                g, forms = _formulas(mdp, policy, X, theta)[obj]
                for name, val in forms.items():
                    per_gamma.setdefault(name, []).append(max(_rel(val, g), 1e-17))
            for name, v in per_gamma.items():
                curves.setdefault(name, []).append(v)
        for k, (name, c) in enumerate(curves.items()):
            c = np.array(c)
            med, lo, hi = np.median(c, 0), np.quantile(c, 0.25, 0), np.quantile(c, 0.75, 0)
            ax.plot(1 - gammas, med, "-o", ms=3, color=f"C{k}", label=name)
            ax.fill_between(1 - gammas, lo, hi, color=f"C{k}", alpha=0.2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$1 - \gamma$")
        ax.set_ylabel(r"$\Vert \mathrm{formula} - \nabla J \Vert \,/\, \Vert \nabla J \Vert$")
        task = "continuing" if term == 0 else f"episodic, ends w.p. {term} a step"
        ax.set_title(f"${obj.replace('J_', 'J_{')}}}$ ({task}); {len(seeds)} MDPs",
                     fontsize=9)
        ax.legend(fontsize=7)
    return [_save_png(fig, out_dir, "policy_gradient_objectives")]
