r"""Figures and tables of chapter 3, "Parametric value functions".

The target throughout is the exact value function $v_\pi$ of the 1000-state random walk
(Sutton & Barto 2018, Example 9.1), from `fa_book.envs.random_walk_mdp` under the uniform
policy, weighted by its on-policy distribution $\mu$.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fa_book._doc import config_table
from fa_book.approximators import KNNConfig, MLPConfig, TreeConfig
from fa_book.approximators_runs import (
    N_STATES,
    FamiliesConfig,
    SGDCurvesConfig,
    family_results,
    random_walk_truth,
    sgd_excess_curves,
)
from fa_book.features import RBF, Fourier, Polynomial, StateAggregation
from fa_book.figures._style import BAND, mean_band, save, t_half, write_table
from fa_book.oracles import projection_weights, rmsve


def _feature_maps(d: int) -> dict[str, object]:
    """Each family with d features on the states 1..1000."""
    return {
        "state aggregation": StateAggregation.uniform(N_STATES, d),
        "polynomial": Polynomial(d - 1, 1.0, N_STATES),
        "Fourier": Fourier(d - 1, 1.0, N_STATES),
        "RBF": RBF.grid(d, 1.0, N_STATES),
    }


def _x(fmap, states: np.ndarray) -> np.ndarray:
    # aggregation takes state indices 0..999; box maps take the states 1..1000
    return fmap(states.astype(int) - 1) if isinstance(fmap, StateAggregation) else fmap(states)


def figure_parametric_features(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The feature maps on [0, 1], and the best RMS error each reaches on the random walk
    (the exact mu-weighted projection) as the number of features grows."""
    states, v, mu = random_walk_truth()
    # a 2x2 block of feature maps on the left, the error curves over the whole right column
    fig = plt.figure(figsize=(10, 6.5))
    grid = fig.add_gridspec(2, 3)
    feature_axes = [fig.add_subplot(grid[i, j]) for i in range(2) for j in range(2)]
    err_ax = fig.add_subplot(grid[:, 2])
    u = np.linspace(0, 1, 400)
    s_u = 1.0 + u * (N_STATES - 1)
    for ax, (name, fmap) in zip(feature_axes, _feature_maps(5).items(), strict=True):
        x = _x(fmap, np.round(s_u) if name == "state aggregation" else s_u)
        ax.plot(u, x)
        ax.set_title(f"{name}, d = 5")
        ax.set_xlabel("scaled state u")
    dims = [2, 3, 5, 8] if quick else list(range(2, 31))
    table_rows = []
    for name in _feature_maps(2):
        errors = []
        for d in dims:
            phi = _x(_feature_maps(d)[name], states)
            errors.append(rmsve(phi @ projection_weights(phi, v, mu), v, mu))
        err_ax.plot(dims, errors, marker=".", label=name)
        table_rows.append((name, dict(zip(dims, errors, strict=True))))
    err_ax.set_yscale("log")
    err_ax.set_xlabel("number of features d")
    err_ax.set_ylabel("RMSVE of the best fit")
    err_ax.set_title(r"best linear fit $\Pi v_\pi$")
    # below the axes, so that it covers no curve
    err_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=9)
    fig.tight_layout()
    shown = [d for d in (5, 10, 20, 30) if d in dims] or dims[-2:]
    md = ("| features | " + " | ".join(f"d = {d}" for d in shown) + " |\n"
          + "|---|" + "---|" * len(shown) + "\n")
    for name, err in table_rows:
        md += f"| {name} | " + " | ".join(f"{err[d]:.4f}" for d in shown) + " |\n"
    return [save(fig, out_dir, "parametric_features"),
            write_table(out_dir, "parametric_features", md)]


def figure_parametric_sgd(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """SGD on the mean-squared value error with the exact values as targets: the excess
    error over the global optimum, ||Phi (theta_t - theta*)||_mu^2.  Constant step sizes
    stall in a noise band, a decreasing (Robbins-Monro) step size keeps approaching it."""
    states, v, mu = random_walk_truth()
    cfg = SGDCurvesConfig(n_runs=4, n_steps=2000) if quick else SGDCurvesConfig()
    record = np.unique(np.geomspace(1, cfg.n_steps, cfg.n_record).astype(int))
    rng = np.random.default_rng(cfg.seed)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for ax, (name, fmap) in zip(axes, [("state aggregation, d = 10",
                                        StateAggregation.uniform(N_STATES, 10)),
                                       ("Fourier, d = 6", Fourier(5, 1.0, N_STATES))],
                                strict=True):
        phi = _x(fmap, states)
        # alpha_0 = 1 / max ||x||^2: one update with it fits the sampled state of largest
        # ||x|| exactly (steps above 2 / max ||x||^2 overshoot it); constant steps are fractions
        # of alpha_0
        a0 = 1.0 / np.einsum("sd,sd->s", phi, phi).max()
        schedules = {f"α = {a0 * 0.1:.3g}": lambda t, a=a0 * 0.1: a,
                     f"α = {a0 * 0.01:.3g}": lambda t, a=a0 * 0.01: a,
                     f"α_t = {a0:.3g} / (1 + t/1000)": lambda t, a=a0: a / (1 + t / 1000)}
        S = rng.choice(N_STATES, size=(cfg.n_steps, cfg.n_runs), p=mu)
        for label, curve in sgd_excess_curves(phi, schedules, S, record).items():
            mean, lo, hi = mean_band(curve, axis=1)
            ax.plot(record, mean, label=label)
            ax.fill_between(record, lo, hi, alpha=0.3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("SGD steps t")
        ax.set_ylabel("VE(θ_t) − VE(θ*)")
        ax.set_title(name)
        ax.legend(fontsize=9)
    fig.tight_layout()
    return [save(fig, out_dir, "parametric_sgd")]


def figure_parametric_families(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The notes' approximator families fitted to the same sampled returns: error,
    stored numbers and fit time against the number of samples."""
    states, v, mu = random_walk_truth()
    cfg = FamiliesConfig.quick() if quick else FamiliesConfig()
    sizes, seeds = cfg.sizes, cfg.data_seeds
    res, curves = family_results(cfg)
    fig, axes = plt.subplots(2, 2, figsize=(10, 6.5))
    axes = axes.ravel()
    axes[0].plot(states, v, "k--", lw=1.5, label="true $v_\\pi$")
    for name, v_hat in curves.items():
        axes[0].plot(states, v_hat, lw=1, label=name)
    axes[0].set_title(f"fits from n = {1000 if 1000 in sizes else sizes[-1]} returns (seed 0)")
    axes[0].set_xlabel("state")
    for ax, key, label in ((axes[1], "rmsve", "RMSVE (μ-weighted)"),
                           (axes[2], "params", "stored numbers after fitting"),
                           (axes[3], "cpu", "fit + predict CPU seconds")):
        for name, r in res.items():
            mean, lo, hi = mean_band(r[key], axis=1)
            ax.plot(sizes, mean, marker=".", label=name)
            if len(seeds) > 1:
                ax.fill_between(sizes, lo, hi, alpha=0.25)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("number of samples n")
        ax.set_ylabel(label)
    fig.tight_layout()
    # one legend for all four panels (same colours throughout), below them
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center",
               bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=9)
    md = ("| approximator | n | RMSVE (mean ± 95% t-interval) | stored numbers "
          "| CPU s (fit + predict) |\n|---|---|---|---|---|\n")
    for name, r in res.items():
        for i, n in enumerate(sizes):
            half = t_half(r["rmsve"][i])  # the half-width of the figure's band
            md += (f"| {name} | {n} | {r['rmsve'][i].mean():.4f} ± {half:.4f} | "
                   f"{r['params'][i].mean():.0f} | {r['cpu'][i].mean():.3f} |\n")
    md += (f"\n{len(seeds)} seeds per size; ± is the {BAND} over the seeds (the figure's "
           "band). Samples: states drawn from μ, targets the exact "
           "Monte Carlo return distribution (±1). CPU times were measured on a shared "
           f"2-core machine (load average {_load():.1f} when written).\n")
    return [save(fig, out_dir, "parametric_families"),
            write_table(out_dir, "parametric_families", md)]


def _load() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:  # pragma: no cover - non-Linux
        return float("nan")


def table_parametric_configs(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Hyperparameters of the non-linear approximators, from their config dataclasses."""
    md = ("**Neural network** (`MLPConfig`)\n\n" + config_table(MLPConfig())
          + "\n**k-nearest neighbours** (`KNNConfig`)\n\n" + config_table(KNNConfig())
          + "\n**Regression tree** (`TreeConfig`)\n\n" + config_table(TreeConfig()))
    return [write_table(out_dir, "parametric_configs", md)]
