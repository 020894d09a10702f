r"""Figures and tables of chapter 5, "Action values and control".

* `figure_control_cost_to_go`: S&B Figure 10.1, the cost-to-go $-\max_a \hat q(s, a)$
  learned by one run of semi-gradient SARSA on Mountain Car.
* `figure_control_step_sizes`: S&B Figure 10.2, steps per episode for three step sizes,
  mean of 100 runs with a 95% confidence band.
* `figure_control_vs_tabular`: tile-coded SARSA against chapter 2's discretized tabular
  Q-learner on the same task with the same budget of episodes.
* `figure_control_gpi`: the notes' loop of approximate evaluation and
  $\varepsilon$-greedy improvement on a finite MDP, exact, with a few or many evaluation
  steps per improvement, with one-hot and with approximate features.
* `table_control_config`, `table_control_gpi`: the hyperparameter table and the count of
  MDPs in which an improvement step made the policy worse.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fa_book._doc import config_table
from fa_book.control import approximate_policy_iteration
from fa_book.control_runs import (
    COST_TO_GO_EPISODES,
    SEED,
    STEP_SIZES,
    MountainCarConfig,
    cost_to_go_run,
    mountain_car_coder,
    mountain_car_sarsa,
    step_size_runs,
)
from fa_book.discretize_runs import DiscreteQConfig, q_learning_discretized
from fa_book.figures._style import BAND, results_dir, save, t_half
from fa_book.oracles import random_mdp


def _caption(out_dir: Path, name: str, text: str) -> Path:
    """Write a figure's caption to `docs/results/<name>_caption.md`, so that the seeds and
    run counts the page shows are the ones the figure function used."""
    path = results_dir(out_dir) / f"{name}_caption.md"
    path.write_text(f"*{' '.join(text.split())}*\n", encoding="utf-8")
    return path


def _mean_band(steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over runs and the half-width of its 95% Student-t interval."""
    return steps.mean(0), t_half(steps)


def _save_steps_figure(fig, ax, out_dir: Path, name: str, title: str, legend_size,
                       table_text: str) -> tuple[Path, Path]:
    """Finish a steps-per-episode plot (log scale), save it as `<name>.png` and write
    `table_text` to `docs/results/<name>.md`."""
    ax.set_yscale("log")
    ax.set_xlabel("episode")
    ax.set_ylabel("steps per episode (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=legend_size)
    fig.tight_layout()
    path = save(fig, out_dir, name)
    table = results_dir(out_dir) / f"{name}.md"
    table.write_text(table_text, encoding="utf-8")
    return path, table


def cost_to_go_grid(W: np.ndarray, config: MountainCarConfig, n: int = 40):
    r"""$-\max_a \hat q(s, a)$ on an `n` x `n` grid of positions and velocities.

    Args:
        W: per-action weights of one run, shape `(A, d)`.
        config: the run's hyperparameters (for its tile coder).
        n: grid points per axis.

    Returns:
        `(position, velocity, cost)` arrays of shape `(n, n)`.
    """
    coder = mountain_car_coder(config)
    x, v = np.meshgrid(np.linspace(-1.2, 0.5, n), np.linspace(-0.07, 0.07, n))
    idx = coder.indices(np.stack([x, v], -1))                  # (n, n, tilings)
    q = W[:, idx].sum(-1)                                       # (A, n, n)
    return x, v, -q.max(0)


def figure_control_cost_to_go(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """S&B Figure 10.1: the cost-to-go surface after episodes 1, 12, 104, 1000, 9000 of
    one run (alpha = 0.3/8 as in the companion code, 8 tilings, epsilon = 0), and that
    run's steps per episode in the last panel."""
    episodes = COST_TO_GO_EPISODES[:2] if quick else COST_TO_GO_EPISODES
    config, res = cost_to_go_run(episodes)
    fig = plt.figure(figsize=(10, 6.5))
    for k, e in enumerate(episodes):
        ax = fig.add_subplot(2, 3, k + 1, projection="3d")
        x, v, cost = cost_to_go_grid(res.snapshots[e][0], config)
        ax.plot_surface(x, v, cost, cmap="viridis", linewidth=0, antialiased=True)
        ax.set_title(f"episode {e}", fontsize=11, pad=0)
        ax.set_xlabel("position", fontsize=9, labelpad=2)
        ax.set_ylabel("velocity", fontsize=9, labelpad=6)
        ax.set_xticks([-1, -0.5, 0])
        ax.set_yticks([-0.05, 0, 0.05])
        ax.tick_params(labelsize=8, pad=0)
        ax.view_init(elev=35, azim=-125)
        ax.set_box_aspect(None, zoom=0.95)
    ax = fig.add_subplot(2, 3, 6)
    steps = res.steps[0]
    ep = np.arange(1, steps.size + 1)
    ax.plot(ep, steps, lw=0.4, color="0.6", label="each episode")
    w = min(100, steps.size)
    ax.plot(ep[w - 1:], np.convolve(steps, np.ones(w) / w, "valid"), lw=1.2,
            color="C0", label=f"mean of the last {w}")
    for e in episodes:
        ax.axvline(e, color="C3", lw=0.6, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("episode (dotted: the surfaces)", fontsize=9)
    ax.set_ylabel("steps per episode", fontsize=9)
    ax.set_title("this run's learning curve", fontsize=11)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, loc="upper right")
    fig.suptitle(r"cost-to-go $-\max_a \hat q(s, a, \theta)$, one run of semi-gradient "
                 "SARSA")
    fig.subplots_adjust(left=0.0, right=0.99, bottom=0.07, top=0.91, wspace=0.02,
                        hspace=0.17)
    box = ax.get_position()                   # room for the 2-D panel's tick labels
    ax.set_position([box.x0 + 0.06, box.y0 + 0.05, box.width - 0.07, box.height - 0.1])
    path = save(fig, out_dir, "control_cost_to_go")
    listed = ", ".join(str(e) for e in episodes[:-1]) + f" and {episodes[-1]}"
    caption = _caption(out_dir, "control_cost_to_go", rf"""
        The cost-to-go $-\max_a \hat q(s, a, \boldsymbol\theta)$ over position $\times$
        velocity after episodes {listed} of one run (seed {SEED}) of semi-gradient SARSA
        with {config.n_tilings} tilings, $\alpha = {config.alpha}/{config.n_tilings}$ (the
        companion code's value), $\varepsilon = {config.epsilon:g}$; S&B's first panel is
        taken earlier, at step 428 of the first episode. Last panel: the same run's steps
        per episode (grey) and their {w}-episode moving mean, log-log axes. Regenerate with
        `python -m fa_book.figures control --only figure_control_cost_to_go`.""")
    return [path, caption]


def figure_control_step_sizes(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """S&B Figure 10.2: steps per episode for alpha in {0.1, 0.2, 0.5}/8, mean of 100
    runs (all three step sizes in one vectorized call) with 95% bands; also writes the
    table `control_step_sizes.md`."""
    runs, episodes = (2, 2) if quick else (100, 500)
    config, res = step_size_runs(runs, episodes)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    rows = ["| alpha | episode 1 | episodes 1-50 | episodes 451-500 | all episodes |",
            "|---|---|---|---|---|"]
    ep = np.arange(1, episodes + 1)
    for j, alpha in enumerate(STEP_SIZES):
        steps = res.steps[j * runs:(j + 1) * runs]
        mean, half = _mean_band(steps)
        ax.plot(ep, mean, label=rf"$\alpha = {alpha}/8$", lw=1)
        ax.fill_between(ep, mean - half, mean + half, alpha=0.3)

        def cell(block):
            per_run = block.mean(1)
            return f"{per_run.mean():.1f} ± {t_half(per_run):.1f}"
        last = slice(max(episodes - 50, 0), episodes)
        rows.append(f"| {alpha}/8 | {cell(steps[:, :1])} | {cell(steps[:, :50])} | "
                    f"{cell(steps[:, last])} | {cell(steps)} |")
    path, table = _save_steps_figure(
        fig, ax, out_dir, "control_step_sizes",
        f"Mountain Car, semi-gradient SARSA, 8 tilings; mean of {runs} runs", None,
        f"Mean steps per episode ± {BAND} (half-width) over {runs} runs (seed {SEED}; "
        f"`python -m fa_book.figures control --only figure_control_step_sizes`).\n\n"
        + "\n".join(rows) + "\n")
    alphas_tex = ", ".join(str(a) for a in STEP_SIZES)
    caption = _caption(out_dir, "control_step_sizes", rf"""
        Steps per episode (log scale) of semi-gradient SARSA with {config.n_tilings}
        tilings and $\alpha \in \{{{alphas_tex}\}}/{config.n_tilings}$, mean of {runs}
        independent runs per step size (seed {SEED}), band: {BAND}. Regenerate with
        `python -m fa_book.figures control --only figure_control_step_sizes`.""")
    return [path, caption, table]


TABULAR = ((8, 0.5), (25, 0.5), (25, 0.25))
"""Chapter 2's tabular Q-learner: (bins per dimension, alpha) pairs compared."""


def figure_control_vs_tabular(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Tile-coded semi-gradient SARSA (8 tilings of 9 x 9 tiles, 648 weights per action)
    against tabular Q-learning on a grid (chapter 2), 8 x 8 and 25 x 25 cells (625
    weights per action), on gymnasium's MountainCar-v0 *with* its 200-step time limit
    (without it the grid learners' first episodes last thousands of
    steps or more), the
    same number of episodes and runs, epsilon = 0 and zero (optimistic) initial values
    for both."""
    runs, episodes = (2, 5) if quick else (50, 500)
    rng = np.random.default_rng(SEED)
    curves = []
    sarsa = mountain_car_sarsa(MountainCarConfig(episodes=episodes, max_episode_steps=200),
                               rng, runs=runs)
    curves.append(("tile coding, SARSA, alpha=0.5/8", sarsa.steps))
    for bins, alpha in TABULAR:
        cfg = DiscreteQConfig(bins=(bins, bins), episodes=episodes, alpha=alpha,
                              epsilon=0.0, max_episode_steps=200)
        res = q_learning_discretized(cfg, rng, runs=runs)
        curves.append((f"{bins}x{bins} grid, tabular Q-learning, alpha={alpha}", res.steps))
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ep = np.arange(1, episodes + 1)
    rows = ["| learner | episodes 1-50 | last 50 episodes | all episodes |",
            "|---|---|---|---|"]
    for label, steps in curves:
        mean, half = _mean_band(steps)
        ax.plot(ep, mean, label=label, lw=1)
        ax.fill_between(ep, mean - half, mean + half, alpha=0.25)
        m = [steps[:, :50].mean(1), steps[:, -50:].mean(1), steps.mean(1)]
        rows.append(f"| {label} | " + " | ".join(
            f"{b.mean():.1f} ± {t_half(b):.1f}"
            for b in m) + " |")
    path, table = _save_steps_figure(
        fig, ax, out_dir, "control_vs_tabular",
        f"MountainCar-v0 (200-step limit): tile coding vs a grid, {runs} runs", 7,
        f"Mean steps per episode ± {BAND} (half-width) over {runs} runs per learner (seed "
        f"{SEED}; `python -m fa_book.figures control --only figure_control_vs_tabular`)."
        "\n\n" + "\n".join(rows) + "\n")
    caption = _caption(out_dir, "control_vs_tabular", rf"""
        Steps per episode (log scale, capped at 200 by the time limit) on
        `MountainCar-v0`; mean of {runs} runs per learner (seed {SEED}), band: {BAND}.
        Regenerate with
        `python -m fa_book.figures control --only figure_control_vs_tabular`.""")
    return [path, caption, table]


def _gpi_problem(seed: int):
    rng = np.random.default_rng(seed)
    mdp = random_mdp(rng, 6, 3, 0.9)
    S, A = mdp.n_states, mdp.n_actions
    one_hot = np.eye(S * A).reshape(S, A, S * A)
    coarse = rng.standard_normal((S, A, 4))
    return mdp, one_hot, coarse


EVAL_STEPS = (1, 5, 25, 125)
"""Expected-update steps per improvement in `figure_control_gpi`."""


def figure_control_gpi(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Approximate policy iteration, exact (expected updates, no sampling), on one random
    MDP (6 states, 3 actions, gamma = 0.9, seed SEED): true J(pi_k) of each epsilon-greedy
    policy (epsilon = 0.1) against the total number of expected SARSA steps (alpha = 1)
    spent on evaluation, for 1, 5, 25 or 125 steps per improvement (one column each);
    top row one-hot features, bottom row 4 random features.

    Each policy is drawn as a horizontal segment over the evaluation steps it was used
    for, without the vertical risers of a step plot: a policy that flips every round then
    shows as a few horizontal bands (the values it cycles through) instead of a solid
    block."""
    budget = 250 if quick else 3000
    mdp, one_hot, coarse = _gpi_problem(SEED)
    best = approximate_policy_iteration(mdp, one_hot, epsilon=0.1, n_iterations=30,
                                        eval_steps=None).J[-1]
    fig, axes = plt.subplots(2, len(EVAL_STEPS), figsize=(10, 5.2), sharex=True,
                             sharey=True)
    rows = (("one-hot features\n(tabular)", one_hot), ("4 random features", coarse))
    for i, (name, X) in enumerate(rows):
        for j, m in enumerate(EVAL_STEPS):
            ax = axes[i, j]
            J = approximate_policy_iteration(mdp, X, epsilon=0.1, n_iterations=budget // m,
                                             eval_steps=m, alpha=1.0).J
            x0 = m * np.arange(J.size)
            ax.hlines(J, x0, x0 + m, color=f"C{j}", lw=2, capstyle="projecting",
                      label=r"$J(\pi_k)$ while $\pi_k$ is evaluated")
            ax.axhline(best, color="k", ls="--", lw=0.8, label=r"best $\varepsilon$-greedy")
            ax.set_xlim(0, budget)
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.3, lw=0.5)
            if i == 0:
                ax.set_title(f"{m} step{'s' if m > 1 else ''} per improvement", fontsize=10)
            else:
                ax.set_xlabel("evaluation steps", fontsize=9)
        axes[i, 0].set_ylabel(name + "\n" + r"$J(\pi_k) = d_0^\top v_{\pi_k}$", fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    handles[0] = plt.Line2D([], [], color="0.3", lw=2)
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.suptitle("approximate policy iteration on one random MDP, exact expected updates",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    path = save(fig, out_dir, "control_gpi")
    S, A = mdp.n_states, mdp.n_actions
    caption = _caption(out_dir, "control_gpi", rf"""
        True value $J(\pi_k)$ of the ε-greedy policies ($\varepsilon = 0.1$) produced by
        the loop on one random MDP ({S} states, {A} actions, $\gamma = {mdp.gamma:g}$, seed
        {SEED}), against the total number of expected SARSA steps ($\alpha = 1$) spent on
        evaluation, when the policy is improved after every
        {", ".join(map(str, EVAL_STEPS[:-1]))} or {EVAL_STEPS[-1]} of them (one column
        each). Each policy is a horizontal segment over the steps spent evaluating it, so
        a policy that flips every round shows as horizontal bands, the values it cycles
        through. Top row: one-hot features (tabular); bottom row: {coarse.shape[-1]}
        random features. Dashed: the best ε-greedy policy (tabular policy iteration with
        exact evaluation). Exact computation, no runs to average. Regenerate with
        `python -m fa_book.figures control --only figure_control_gpi`.""")
    return [path, caption]


def table_control_gpi(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """In how many random MDPs (5 states, 2 actions, gamma = 0.9, seeds 0..N-1) does some
    round of exact evaluation + epsilon-greedy improvement (epsilon = 0.1) lower J?"""
    n = 20 if quick else 200
    counts = {"one-hot (tabular)": 0, "3 random features": 0}
    for seed in range(n):
        rng = np.random.default_rng(seed)
        mdp = random_mdp(rng, 5, 2, 0.9)
        feats = {"one-hot (tabular)": np.eye(10).reshape(5, 2, 10),
                 "3 random features": rng.standard_normal((5, 2, 3))}
        for name, X in feats.items():
            J = approximate_policy_iteration(mdp, X, epsilon=0.1, n_iterations=6,
                                             eval_steps=None).J
            counts[name] += bool((np.diff(J) < -1e-9).any())
    rows = ["| features | MDPs where some improvement step lowered J |", "|---|---|"]
    rows += [f"| {k} | {v} of {n} |" for k, v in counts.items()]
    path = results_dir(out_dir) / "control_gpi.md"
    path.write_text("\n".join(rows) + "\n\n(`python -m fa_book.figures control --only "
                    "table_control_gpi`; 6 rounds each, exact evaluation.)\n",
                    encoding="utf-8")
    return [path]


def table_control_config(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The Mountain Car hyperparameters, rendered from `MountainCarConfig`."""
    text = config_table(MountainCarConfig, columns={"S&B Example 10.1": {
        "n_tilings": "8", "n_tiles": "8 (tiles3 on 8x/1.7, 8v/0.14)",
        "alpha": "0.1, 0.2, 0.5 (Fig. 10.2); 0.3 in the companion code's Fig. 10.1",
        "epsilon": "0", "gamma": "1", "episodes": "500 (Fig. 10.2), 9000 (Fig. 10.1)",
        "max_episode_steps": "none"}})
    path = results_dir(out_dir) / "control_config.md"
    path.write_text(text, encoding="utf-8")
    return [path]
