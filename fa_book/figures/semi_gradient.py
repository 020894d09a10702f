"""Figures and tables of chapter 6, "Why the TD target carries no gradient"."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fa_book._doc import config_table
from fa_book.envs import BAIRD_FEATURES, BAIRD_TARGET, BAIRD_W0, baird_mdp
from fa_book.figures._style import BAND, mean_band, save, t_half, write_table
from fa_book.oracles import on_policy_distribution, projection_weights, td_fixed_point, v_pi
from fa_book.semi_gradient import (
    a_presplit,
    a_split,
    bellman_error_minimizer,
    expected_matrices,
    mean_squared_errors,
    observed_transitions,
    random_walk_chain,
    td_error_minimizer,
)
from fa_book.semi_gradient_runs import baird_off_policy_td, expected_run, sampled_linear_td
from fa_book.validate import (
    DivergenceError,
    check_nonneg_int,
    check_positive,
    check_size,
    check_step_size,
)

METHODS = {  # method -> (label, colour)
    "semi-gradient": ("semi-gradient TD (detach)", "C0"),
    "double-sample": ("residual gradient, two samples", "C2"),
    "residual": ("residual gradient, one sample (no detach)", "C3"),
}


@dataclass(frozen=True)
class ChainExperiment:
    """Settings of the chain figure (`figure_chain`) and speed table (`table_speed`)."""

    alpha_expected: float = 0.5
    """step size of the expected (DP-style) iterations"""
    n_expected: int = 2000
    """number of expected iterations plotted"""
    alpha_sampled: float = 0.02
    """constant step size of the sampled runs"""
    n_steps: int = 20_000
    """transitions per sampled run"""
    n_runs: int = 30
    """independent sampled runs (simulated side by side from one generator)"""
    seed: int = 0
    """seed of `np.random.default_rng` for the sampled runs"""

    def __post_init__(self):
        check_step_size("alpha_expected", self.alpha_expected)
        check_step_size("alpha_sampled", self.alpha_sampled)
        for name in ("n_expected", "n_steps", "n_runs"):
            check_size(name, getattr(self, name), 10**7)
        check_nonneg_int("seed", self.seed)


@dataclass(frozen=True)
class BairdExperiment:
    """Settings of the Baird figure (Sutton & Barto 2018, Figure 11.2)."""

    alpha: float = 0.01
    """step size, as in the book"""
    n_steps: int = 1000
    """steps (sampled run) or sweeps (expected updates), as in the book"""
    seed: int = 0
    """seed from which the behaviour policy's and the environment's independent streams
    are derived (`baird_streams`; one run, as in the book)"""
    max_norm: float = 1e6
    """a run is stopped, and reported diverged, once the weights' norm exceeds this"""

    def __post_init__(self):
        check_step_size("alpha", self.alpha)
        check_size("n_steps", self.n_steps, 10**7)
        check_nonneg_int("seed", self.seed)
        check_positive("max_norm", self.max_norm)


CHAIN = ChainExperiment()
BAIRD = BairdExperiment()


def _chain_solutions():
    mdp, pi, phi = random_walk_chain()
    v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
    sols = {
        "VE minimizer (gradient MC's limit)": projection_weights(phi, v, mu),
        "TD fixed point (semi-gradient, detach)": td_fixed_point(mdp, pi, phi),
        "BE minimizer (residual gradient, two samples)": bellman_error_minimizer(mdp, pi, phi),
        "TDE minimizer (residual gradient, one sample)": td_error_minimizer(mdp, pi, phi),
    }
    return mdp, pi, phi, v, mu, sols


def _limit(method, mdp, pi, phi):
    A, b = expected_matrices(mdp, pi, phi, method)
    return np.linalg.solve(A, b)


def _table(out_dir: Path, name: str, lines: list[str], note: str) -> list[Path]:
    """Write the table `lines`, a blank line and `note` to `docs/results/<name>.md`."""
    return [write_table(out_dir, name, "\n".join([*lines, "", note]) + "\n")]


def _rmsve(ws: np.ndarray, phi, v, mu) -> np.ndarray:
    """RMS value error of each weight vector in `ws` (last axis = d)."""
    return np.sqrt(((ws @ phi.T - v) ** 2 * mu).sum(-1))


def table_chain_solutions(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The four candidate solutions on the chain and each one's four errors (exact)."""
    mdp, pi, phi, v, mu, sols = _chain_solutions()
    lines = ["| solution | weights $\\mathbf w$ | $\\sqrt{\\overline{\\mathrm{VE}}}$ | "
             "$\\sqrt{\\overline{\\mathrm{BE}}}$ | $\\sqrt{\\overline{\\mathrm{PBE}}}$ | "
             "$\\sqrt{\\overline{\\mathrm{TDE}}}$ |", "|---|---|---|---|---|---|"]
    errs = {name: mean_squared_errors(w, mdp, pi, phi) for name, w in sols.items()}
    best = {k: min(e[k] for e in errs.values()) for k in ("VE", "BE", "PBE", "TDE")}
    for name, w in sols.items():
        cells = []
        for k in ("VE", "BE", "PBE", "TDE"):
            c = f"{np.sqrt(max(errs[name][k], 0.0)):.4f}"
            cells.append(f"**{c}**" if errs[name][k] <= best[k] + 1e-12 else c)
        ws = ", ".join(f"{x:.3f}" for x in np.round(w, 3) + 0.0)
        lines.append(f"| {name} | ({ws}) | " + " | ".join(cells) + " |")
    note = (f"Exact values on `random_walk_chain()` ({mdp.n_states} states, "
            f"$\\gamma = {mdp.gamma}$, {phi.shape[1]} aggregated groups), every error "
            "weighted by the on-policy distribution; bold = the smallest in its "
            "column. Regenerate: `python -m fa_book.figures semi_gradient "
            "--only table_chain_solutions`.")
    return _table(out_dir, "semi_gradient_chain_solutions", lines, note)


def figure_chain(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Where and how fast each method converges on the chain: expected iterations and
    sampled runs, against the exact limits."""
    mdp, pi, phi, v, mu, sols = _chain_solutions()
    n_exp = 200 if quick else CHAIN.n_expected
    n_steps, n_runs = (1000, 3) if quick else (CHAIN.n_steps, CHAIN.n_runs)
    record = 20 if quick else 100
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
    limits = {m: _limit(m, mdp, pi, phi) for m in METHODS}
    for m, (label, colour) in METHODS.items():
        A, b = expected_matrices(mdp, pi, phi, m)
        ws = expected_run(A, b, np.zeros(phi.shape[1]), CHAIN.alpha_expected, n_exp).w
        k = np.arange(len(ws))
        axes[0].plot(k, _rmsve(ws, phi, v, mu), color=colour, label=label)
        axes[0].axhline(_rmsve(limits[m], phi, v, mu), color=colour, ls="--", lw=0.8)
        axes[1].semilogy(k, np.linalg.norm(ws - limits[m], axis=1), color=colour)
        run = sampled_linear_td(mdp, pi, phi, m, alpha=CHAIN.alpha_sampled, n_steps=n_steps,
                                n_runs=n_runs, rng=np.random.default_rng(CHAIN.seed),
                                record_every=record)
        mean, lo, hi = mean_band(_rmsve(run.w, phi, v, mu), axis=1)
        axes[2].plot(run.steps, mean, color=colour)
        axes[2].fill_between(run.steps, lo, hi, color=colour, alpha=0.25)
        axes[2].axhline(_rmsve(limits[m], phi, v, mu), color=colour, ls="--", lw=0.8)
    best = _rmsve(sols["VE minimizer (gradient MC's limit)"], phi, v, mu)
    for ax in (axes[0], axes[2]):
        ax.axhline(best, color="k", ls=":", lw=0.8, label="VE minimizer")
        ax.set_ylabel("RMS value error")
    axes[0].set_title(f"expected updates, α = {CHAIN.alpha_expected}", fontsize=10)
    axes[0].set_xlabel("iteration")
    axes[0].set_xscale("symlog", linthresh=10)
    axes[0].set_xlim(0, n_exp)
    axes[0].legend(fontsize=7)
    axes[1].set_title("expected updates: distance to own limit", fontsize=10)
    axes[1].set_xlabel("iteration")
    axes[1].set_ylabel(r"$\|\mathbf{w}_k - \mathbf{w}_\infty\|$")
    axes[2].set_title(f"sampled episodes, α = {CHAIN.alpha_sampled}, {n_runs} runs",
                      fontsize=10)
    axes[2].set_xlabel("step")
    fig.tight_layout()
    return [save(fig, out_dir, "semi_gradient_chain")]


def table_speed(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """How fast each expected iteration converges: the spectrum of $A_m$, and measured
    iterations to shrink the error 1000-fold at a common and at the best step size."""
    mdp, pi, phi = random_walk_chain()
    alphas = np.geomspace(0.05, 50, 60 if quick else 400)
    lines = ["| method | smallest $\\mathrm{Re}\\,\\lambda(A_m)$ | "
             "largest $\\lvert\\lambda(A_m)\\rvert$ | "
             f"iterations at $\\alpha = {CHAIN.alpha_expected}$ | best stable $\\alpha$ | "
             "iterations at best $\\alpha$ |", "|---|---|---|---|---|---|"]
    for m, (label, _) in METHODS.items():
        A, b = expected_matrices(mdp, pi, phi, m)
        lam = np.linalg.eigvals(A)
        w_star = np.linalg.solve(A, b)
        radius = [np.abs(np.linalg.eigvals(np.eye(len(b)) - a * A)).max() for a in alphas]
        a_best = float(alphas[int(np.argmin(radius))])
        iters = []
        for a in (CHAIN.alpha_expected, a_best):
            ws = expected_run(A, b, np.zeros_like(b), a, 1500).w
            err = np.linalg.norm(ws - w_star, axis=1)
            done = np.nonzero(err <= 1e-3 * err[0])[0]
            iters.append(str(done[0]) if done.size else f"> {len(err) - 1}")
        lines.append(f"| {label} | {lam.real.min():.4f} | {np.abs(lam).max():.4f} | "
                     f"{iters[0]} | {a_best:.3g} | {iters[1]} |")
    note = ("Measured on `random_walk_chain()` by running `expected_run` from "
            "$\\mathbf w_0 = 0$ until $\\lVert\\mathbf w_k - \\mathbf w_\\infty\\rVert "
            "\\le 10^{-3}\\lVert\\mathbf w_0 - \\mathbf w_\\infty\\rVert$; the best "
            f"$\\alpha$ is searched on a grid of {len(alphas)} values in [0.05, 50] by "
            "the spectral radius of $I - \\alpha A_m$. Regenerate: `python -m "
            "fa_book.figures semi_gradient --only table_speed`.")
    return _table(out_dir, "semi_gradient_speed", lines, note)


def table_a_split(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Sutton & Barto's A-split example: exact limits, and sampled runs' averages."""
    mdp, pi, phi = a_split()
    n_runs, n_steps = (8, 1000) if quick else (100, 20_000)
    rows = [("true values $v_\\pi$", v_pi(mdp, pi), None),
            ("TD fixed point (exact)", td_fixed_point(mdp, pi, phi), None),
            ("BE minimizer (exact)", bellman_error_minimizer(mdp, pi, phi), None),
            ("TDE minimizer (exact)", td_error_minimizer(mdp, pi, phi), None)]
    for m, (label, _) in METHODS.items():
        run = sampled_linear_td(mdp, pi, phi, m, alpha=0.05, n_steps=n_steps, n_runs=n_runs,
                                rng=np.random.default_rng(0), sampling="iid",
                                average_from=n_steps // 2, record_every=n_steps)
        rows.append((f"{label}, sampled", run.w_avg.mean(0), t_half(run.w_avg, axis=0)))
    lines = ["| | $\\hat v(A)$ | $\\hat v(B)$ | $\\hat v(C)$ |", "|---|---|---|---|"]
    for name, w, half in rows:
        w = np.round(w, 4) + 0.0  # no "-0.0000"
        cells = [f"{x:.4f}" if half is None else f"{x:.4f} ± {e:.4f}"
                 for x, e in zip(w, half if half is not None else w, strict=True)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    note = (f"Sampled rows: {n_runs} runs (seed 0), $\\alpha = 0.05$, {n_steps} i.i.d. "
            "transitions each from the on-policy distribution, iterates averaged over "
            f"the second half of each run; mean ± the {BAND} over runs. "
            "Regenerate: `python -m fa_book.figures semi_gradient --only "
            "table_a_split`.")
    return _table(out_dir, "semi_gradient_a_split", lines, note)


def table_a_presplit(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Sutton & Barto's Example 11.3: A-split and A-presplit give the learner the same
    data, and have different Bellman-error minimizers (exact)."""
    problems = {"A-split": a_split(), "A-presplit": a_presplit()}
    seen = [observed_transitions(*p) for p in problems.values()]
    same = seen[0].keys() == seen[1].keys() and all(
        abs(seen[0][k] - seen[1][k]) <= 1e-12 for k in seen[0])
    lines = ["| problem: solution | $\\hat v(A)$ | $\\hat v(B)$ | $\\hat v(C)$ | "
             "$\\overline{\\mathrm{VE}}$ | $\\overline{\\mathrm{BE}}$ | "
             "$\\overline{\\mathrm{TDE}}$ |", "|---|---|---|---|---|---|---|"]
    for name, (mdp, pi, phi) in problems.items():
        v, mu = v_pi(mdp, pi), on_policy_distribution(mdp, pi)
        A, b = expected_matrices(mdp, pi, phi, "double-sample")
        sols = {"VE minimizer": projection_weights(phi, v, mu),
                "TD fixed point": td_fixed_point(mdp, pi, phi),
                "BE minimizer": bellman_error_minimizer(mdp, pi, phi),
                "double-sample residual gradient's limit": np.linalg.solve(A, b),
                "TDE minimizer": td_error_minimizer(mdp, pi, phi)}
        for label, w in sols.items():
            errs = mean_squared_errors(w, mdp, pi, phi)
            cells = [f"{x:.4f}" for x in np.round(w, 4) + 0.0]
            cells += [f"{e:.4f}" for e in np.round([errs[k] for k in ("VE", "BE", "TDE")],
                                                   4) + 0.0]
            lines.append(f"| {name}: {label} | " + " | ".join(cells) + " |")
    note = ("Exact values (no sampling), each error weighted by the problem's on-policy "
            "distribution; $\\hat v(A)$ is the one value that A-presplit's A1 and A2 "
            "share. The two problems' observable transitions "
            "(`observed_transitions`: features, reward, next features, and their "
            f"probabilities) are {'identical' if same else 'DIFFERENT'}. Regenerate: "
            "`python -m fa_book.figures semi_gradient --only table_a_presplit`.")
    return _table(out_dir, "semi_gradient_a_presplit", lines, note)


def figure_baird(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Sutton & Barto's Figure 11.2, plus residual gradient on the same problem."""
    n = 200 if quick else BAIRD.n_steps
    mdp, mu_b = baird_mdp(), np.full(7, 1 / 7)
    sampled = baird_off_policy_td(BAIRD.alpha, n, seed=BAIRD.seed).w
    A, b = expected_matrices(mdp, BAIRD_TARGET, BAIRD_FEATURES, "semi-gradient", mu_b)
    dp = expected_run(A, b, BAIRD_W0, BAIRD.alpha, n).w
    A, b = expected_matrices(mdp, BAIRD_TARGET, BAIRD_FEATURES, "double-sample", mu_b)
    rg = expected_run(A, b, BAIRD_W0, BAIRD.alpha, n).w
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
    axes[1].sharey(axes[0])  # the two semi-gradient panels on one scale; RG on its own
    titles = ["off-policy semi-gradient TD (sampled, seed 0)",
              "semi-gradient DP (expected update)",
              "residual-gradient DP (expected update)"]
    for ax, ws, title in zip(axes, (sampled, dp, rg), titles, strict=True):
        for i in range(8):
            ax.plot(ws[:, i], color=f"C{i}", label=f"$w_{i + 1}$")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("steps" if ax is axes[0] else "sweeps")
    axes[0].set_ylabel("weight")
    axes[2].legend(fontsize=7, ncol=4)
    fig.tight_layout()
    return [save(fig, out_dir, "semi_gradient_baird")]


def table_baird_divergence(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """At which step each diverging run on Baird's counterexample is stopped."""
    seeds = range(2 if quick else 20)
    alphas = (0.02,) if quick else (0.005, 0.01, 0.02)
    max_norm = BAIRD.max_norm
    mdp, mu_b = baird_mdp(), np.full(7, 1 / 7)
    A, b = expected_matrices(mdp, BAIRD_TARGET, BAIRD_FEATURES, "semi-gradient", mu_b)
    lines = ["| $\\alpha$ | semi-gradient DP: `DivergenceError` at sweep | sampled off-policy "
             "TD: `DivergenceError` at step (median [min, max] over seeds) |", "|---|---|---|"]
    for alpha in alphas:
        try:
            expected_run(A, b, BAIRD_W0, alpha, 10**6, max_norm=max_norm)
            dp = "none"
        except DivergenceError as e:
            dp = str(e.step)
        steps = []
        for seed in seeds:
            try:
                baird_off_policy_td(alpha, 10**6, seed=seed, max_norm=max_norm)
                steps.append(np.inf)
            except DivergenceError as e:
                steps.append(e.step)
        steps = np.array(steps)
        lines.append(f"| {alpha} | {dp} | {np.median(steps):.0f} [{steps.min():.0f}, "
                     f"{steps.max():.0f}] |")
    lam = np.linalg.eigvals(A)
    note = (f"A run stops when $\\lVert\\mathbf w\\rVert > 10^{{{np.log10(max_norm):.0f}}}$ "
            f"(from $\\lVert\\mathbf w_0\\rVert = {np.linalg.norm(BAIRD_W0):.2f}$); "
            f"sampled runs: seeds 0-{len(seeds) - 1}. The expected update's matrix "
            f"$A$ has an eigenvalue with real part {lam.real.min():.4f} < 0, so "
            "$\\mathbf w_k$ grows like "
            "$(1 + \\alpha\\,\\lvert\\mathrm{Re}\\,\\lambda\\rvert)^k$. "
            "Regenerate: `python -m fa_book.figures semi_gradient --only "
            "table_baird_divergence`.")
    return _table(out_dir, "semi_gradient_baird_divergence", lines, note)


def table_figure_captions(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The captions of `figure_chain` and `figure_baird`, written from the settings those
    figures run with (`CHAIN`, `BAIRD`), so that the page states no setting by hand."""
    w0 = ", ".join(f"{x:g}" for x in BAIRD_W0)
    chain = (
        "*`random_walk_chain()`. Left and middle: the expected updates "
        "$\\mathbf w_{k+1} = \\mathbf w_k + \\alpha(\\mathbf b_m - A_m\\mathbf w_k)$, "
        f"$\\alpha = {CHAIN.alpha_expected}$, {CHAIN.n_expected} iterations from "
        "$\\mathbf w_0 = 0$ (exact, no sampling). Left: the RMS value error "
        "$\\sqrt{\\overline{\\mathrm{VE}}}$ against the iteration (log axis after 10); "
        "dashed lines are the exact limits, the dotted line the best possible (VE "
        "minimizer). Middle: the distance $\\lVert\\mathbf w_k - \\mathbf w_\\infty\\rVert$ "
        "to each method's own limit, log scale; the slopes are the rates of the speed "
        "table below. Right: sampled episodes of the policy, "
        f"$\\alpha = {CHAIN.alpha_sampled}$, {CHAIN.n_runs} runs of {CHAIN.n_steps} "
        "transitions simulated side by side from "
        f"`np.random.default_rng({CHAIN.seed})`, RMS value error against the step, mean "
        f"and {BAND} over runs. Regenerate: `python -m fa_book.figures semi_gradient "
        "--only figure_chain`.*\n")
    baird = (
        "*Sutton & Barto's Figure 11.2 (left, middle) and the residual gradient on the "
        "same problem (right): each line is one of the eight weights "
        "$w_1, \\dots, w_8$ (legend in the right panel), "
        f"$\\alpha = {BAIRD.alpha}$, $\\mathbf w_0 = ({w0})$, {BAIRD.n_steps} steps or "
        "sweeps. Left: one sampled run of off-policy semi-gradient TD(0) on "
        f"`fa_book/Baird-v0`, seed {BAIRD.seed} (as in the book, one run). Middle: the "
        "expected (\"DP\") semi-gradient update with $\\mu_b$ uniform. Right: the expected "
        "residual-gradient (Bellman-error) update: bounded, but still far from the true "
        f"values $v_\\pi = 0$ after {BAIRD.n_steps} sweeps (see below). Regenerate: "
        "`python -m fa_book.figures semi_gradient --only figure_baird`.*\n")
    return [write_table(out_dir, "semi_gradient_chain_caption", chain),
            write_table(out_dir, "semi_gradient_baird_caption", baird)]


def table_settings(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The settings of this chapter's figures, rendered from their dataclasses."""
    text = ("**Chain** (`ChainExperiment`)\n\n" + config_table(CHAIN)
            + "\n**Baird** (`BairdExperiment`)\n\n" + config_table(BAIRD))
    return [write_table(out_dir, "semi_gradient_settings", text)]
