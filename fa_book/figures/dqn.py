"""Figures and tables of chapter 7 (DQN): learning curves, ablations, the settings table."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fa_book._doc import config_table
from fa_book.dqn import HELD_OUT_SEEDS, DQNConfig
from fa_book.dqn_io import steps_to_stay
from fa_book.dqn_runs import train_and_judge
from fa_book.figures._style import mean_band, results_dir, save

SEEDS = (0, 1, 2)
"""Seeds of the full-size ablation figure (the settings were tuned on seeds 100-109)."""

BENCH_SEEDS = (0, 1, 2, 3, 4)
"""The benchmark's seeds (`bench/dqn.py`), whose learning curves `figure_dqn_seeds` draws."""

THRESHOLD = 475.0
"""CartPole-v1's "solved" return, the benchmark's criterion."""

TUNING_SEEDS = tuple(range(100, 110))
"""The seeds the defaults were chosen on; no figure or benchmark uses them."""

ONE_STEP_SEEDS = TUNING_SEEDS[:5]
"""Tuning seeds rerun with the one-step target (`n_step = 1`)."""

VARIANTS = {
    "DQN (replay + target network)": {},
    "no replay": {"replay": False},
    "no target network": {"target_network": False},
    "neither": {"replay": False, "target_network": False},
}
"""The ablations of Mnih et al. (2015), Extended Data Table 3, on CartPole-v1."""

PAPER = {
    "env_id": "49 Atari 2600 games (ALE), one network per game",
    "total_steps": "50M frames = 12.5M agent steps (frame skip 4)",
    "hidden": "3 conv layers + 512 units ([`NatureQNetwork`][fa_book.dqn.NatureQNetwork])",
    "learning_rate": "RMSProp, 0.00025 (momenta 0.95, min squared gradient 0.01)",
    "gamma": "0.99",
    "buffer_size": "1,000,000",
    "batch_size": "32",
    "learning_starts": "50,000 (replay start size)",
    "train_freq": "4 (update frequency)",
    "gradient_steps": "1",
    "target_update": "10,000 (target network update frequency C)",
    "tau": "1 (hard copy)",
    "eps_start": "1.0",
    "eps_end": "0.1",
    "eps_duration": "1,000,000 frames (final exploration frame)",
    "loss": "squared error with the error term clipped to [-1, 1] = Huber",
    "lr_final_fraction": "1 (constant step size)",
    "double": "no (Double DQN: van Hasselt et al. 2016)",
    "replay": "yes",
    "target_network": "yes",
    "eval_every": "periodic evaluation during training",
    "eval_episodes": "30 episodes of up to 5 min, epsilon = 0.05, up to 30 no-op starts",
    "seed": "not stated",
    "n_step": "1 (one-step Q-learning target)",
    "max_grad_norm": "none (only the error clipping)",
}
"""Extended Data Table 1 and Methods of Mnih et al., Nature 518 (2015)."""

WHY = {
    "env_id": "a vector-observation task that trains in seconds on a CPU",
    "total_steps": "the benchmark's budget: reach 475 and stay there within 30k steps",
    "hidden": "4 numbers in, no pixels: an MLP; 128 units keep a batch matmul cheap",
    "learning_rate": "Adam (a deviation): the default choice today, less tuning",
    "buffer_size": "larger than the run: nothing is forgotten",
    "batch_size": "less gradient noise on CartPole's small action gaps; cheap on a CPU",
    "learning_starts": "CartPole episodes are short; 1000 steps is ~45 random episodes",
    "train_freq": "one update per environment step (the paper: one per 4), in rounds of 2",
    "gradient_steps": "see train_freq",
    "target_update": "each sync can lengthen Q's horizon by up to n = 5 steps (the n-step "
                     "target): C = 10,000 would allow only 2-3 syncs in 30k steps",
    "eps_end": "CartPole punishes random pushes near the 500-step limit",
    "eps_duration": "scaled to the run length",
    "lr_final_fraction": "a deviation: the step size falls linearly to 0, so the policy "
                         "found by the end is kept",
    "double": "off, as in the paper; a switch for exercise 6",
    "eval_every": "the learning curve and the 'stays >= 475' criterion",
    "eval_episodes": "the benchmark's criterion; greedy (epsilon = 0), all 20 at once",
    "n_step": "a deviation (Rainbow: Hessel et al. 2018): reward travels 5 steps per "
              "update; the tuning-seed table below compares it with 1",
    "max_grad_norm": "an option, off",
}
"""Why our default differs from the paper, field by field (blank: same as the paper)."""


# --8<-- [start:runs]
def run_seeds(overrides: dict, seeds, held_out=HELD_OUT_SEEDS, **config
              ) -> tuple[list[list[dict[str, float]]], list[float]]:
    """The evaluation histories of one configuration over several seeds, and each final
    policy's greedy mean return on the held-out reset seeds `held_out`."""
    histories, finals = [], []
    for s in seeds:
        result, G = train_and_judge(DQNConfig(**{**config, **overrides, "seed": s}), held_out)
        histories.append(result.history)
        finals.append(float(G.mean()))
    return histories, finals


def mean_and_ci(curves: np.ndarray):
    """Mean over seeds (axis 0) and its 95% Student-t interval.

    With 3 seeds a percentile bootstrap lies inside [min, max] of the seeds and covers the
    mean at most 1 - 2 (1/2)^3 = 0.75 of the time; the t interval keeps its 95% for normal
    data at any number of seeds (and is wide with few: t = 4.30 for 2 degrees of freedom)."""
    return mean_band(curves, axis=0)
# --8<-- [end:runs]


def _settings(quick: bool) -> tuple[tuple[int, ...], dict]:
    if quick:
        return (0,), {"total_steps": 1_200, "learning_starts": 300, "eval_every": 600,
                      "eval_episodes": 2, "hidden": (16, 16)}
    return SEEDS, {}


def _held_out(quick: bool) -> range:
    return HELD_OUT_SEEDS[:5] if quick else HELD_OUT_SEEDS


def table_dqn_config(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The paper's settings / ours / why, rendered from `DQNConfig`'s defaults."""
    path = results_dir(out_dir) / "dqn_config.md"
    path.write_text(config_table(DQNConfig(), {"paper (Nature 2015)": PAPER,
                                               "why ours differs": WHY}))
    return [path]


def figure_dqn_ablations(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """Greedy-evaluation learning curves of DQN and its three ablations on CartPole-v1."""
    seeds, config = _settings(quick)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fig, (ax, ax_q) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=120)
    held_out = _held_out(quick)
    rows = ["| variant | last evaluation in training (mean over seeds) "
            "| median step it stays >= 475 | held-out greedy mean (mean over seeds) "
            "| seeds with held-out mean >= 475 |", "|---|---|---|---|---|"]
    for k, (name, overrides) in enumerate(VARIANTS.items()):
        histories, finals = run_seeds(overrides, seeds, held_out, **config)
        steps = np.array([h["step"] for h in histories[0]])
        curves = np.array([[h["eval_mean"] for h in hist] for hist in histories])
        mean, lo, hi = mean_and_ci(curves)
        lo, hi = np.clip(lo, 0, 500), np.clip(hi, 0, 500)  # CartPole's returns lie in [0, 500]
        ax.plot(steps, mean, color=f"C{k}", label=name)
        ax.fill_between(steps, lo, hi, color=f"C{k}", alpha=0.2, linewidth=0)
        q = np.array([[h["q_mean"] for h in hist] for hist in histories])
        q_mean, q_lo, q_hi = mean_and_ci(q)
        ax_q.plot(steps, q_mean, color=f"C{k}", label=name)
        ax_q.fill_between(steps, q_lo, q_hi, color=f"C{k}", alpha=0.2, linewidth=0)
        stay = np.array([steps_to_stay(h) or np.inf for h in histories], dtype=float)
        median = np.median(stay)  # a seed that never stays counts as infinitely late
        median = "never" if np.isinf(median) else f"{median:.0f}"
        rows.append(f"| {name} | {curves[:, -1].mean():.1f} | {median} | "
                    f"{np.mean(finals):.1f} | {sum(f >= 475 for f in finals)} of "
                    f"{len(seeds)} |")
    ax.axhline(475, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("environment steps")
    ax.set_ylabel(f"greedy return ({config.get('eval_episodes', 20)} episodes)")
    ax.set_title(f"CartPole-v1, {len(seeds)} seeds: mean and 95% t-interval")
    ax.legend(loc="upper left", fontsize=8)
    gamma = DQNConfig().gamma
    ax_q.axhline(1 / (1 - gamma), color="grey", linestyle=":", linewidth=1)
    ax_q.annotate(f"$1/(1-\\gamma)$ = {1 / (1 - gamma):.0f}: no return is larger",
                  (0.02, 1 / (1 - gamma)), xycoords=("axes fraction", "data"),
                  textcoords="offset points", xytext=(0, 4), fontsize=8, color="grey")
    ax_q.set_xlabel("environment steps")
    ax_q.set_ylabel(r"mean of $\max_a Q(s, a)$ over the last 1000 states")
    ax_q.set_yscale("symlog", linthresh=10)
    ax_q.set_ylim(bottom=0)
    ax_q.set_title("Q-values (the true ones are below the dotted line)")
    fig.tight_layout()
    png = save(fig, out_dir, "dqn_ablations")
    table = results_dir(out_dir) / "dqn_ablations.md"
    table.write_text("\n".join(rows) + "\n\n"
                     f"Seeds {', '.join(map(str, seeds))}; settings: `DQNConfig()` defaults "
                     f"with the variant's switches{' (quick run)' if quick else ''}; "
                     f"held-out: the final policy's greedy mean over the {len(held_out)} "
                     f"reset seeds `HELD_OUT_SEEDS[:{len(held_out)}]`, never used in "
                     f"training, its evaluations or tuning.\n")
    return [png, table]


def figure_dqn_seeds(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The benchmark's runs: `DQNConfig()` on seeds 0-4, each seed's greedy-evaluation
    learning curve with the step from which it stays >= 475 marked, and a table of that
    step and the final policy's held-out greedy mean per seed."""
    seeds, config = _settings(quick)
    seeds = seeds + (1,) if quick else BENCH_SEEDS
    held_out = _held_out(quick)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    rows = ["| seed | step it stays >= 475 | last evaluation in training "
            f"| held-out greedy mean ({len(held_out)} episodes) | held-out min |",
            "|---|---|---|---|---|"]
    stays, finals = [], []
    for k, seed in enumerate(seeds):
        result, G = train_and_judge(DQNConfig(**{**config, "seed": seed}), held_out)
        steps = np.array([h["step"] for h in result.history])
        curve = np.array([h["eval_mean"] for h in result.history])
        stay = steps_to_stay(result.history, THRESHOLD)
        stays.append(np.inf if stay is None else stay)
        finals.append(float(G.mean()))
        when = "never stays" if stay is None else f"stays from {stay}"
        ax.plot(steps, curve, color=f"C{k}", linewidth=1.3,
                label=f"seed {seed}: {when}, held-out {G.mean():.1f}")
        if stay is not None:
            ax.plot([stay], [curve[steps == stay][0]], "o", color=f"C{k}", markersize=6,
                    markeredgecolor="black", markeredgewidth=0.6)
        rows.append(f"| {seed} | {'never' if stay is None else stay} | {curve[-1]:.1f} | "
                    f"{G.mean():.1f} | {G.min():.0f} |")
    ax.axhline(THRESHOLD, color="grey", linestyle=":", linewidth=1)
    ax.annotate("475", (1.0, THRESHOLD), xycoords=("axes fraction", "data"),
                textcoords="offset points", xytext=(2, -3), fontsize=8, color="grey")
    ax.set_xlabel("environment steps")
    ax.set_ylabel(f"greedy return ({config.get('eval_episodes', DQNConfig().eval_episodes)}"
                  " episodes)")
    ax.set_title(f"CartPole-v1, DQNConfig() defaults: {len(seeds)} seeds, one line each")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    png = save(fig, out_dir, "dqn_seeds")
    median = np.median(stays)  # a seed that never stays counts as infinitely late
    n_ok = sum(f >= THRESHOLD for f in finals)
    total = config.get("total_steps", DQNConfig().total_steps)
    rows.append("")
    rows.append(f"{n_ok} of {len(seeds)} seeds end with a held-out greedy mean >= 475 "
                f"after {total} steps; the median step from which the greedy evaluation "
                f"stays >= 475 is {'never' if np.isinf(median) else f'{median:.0f}'}. "
                f"Seeds {', '.join(map(str, seeds))}, one run each, `DQNConfig()` defaults"
                f"{' (quick run)' if quick else ''}; held-out: the final policy's greedy "
                f"return on the {len(held_out)} reset seeds `HELD_OUT_SEEDS[:{len(held_out)}]`"
                f", never used in training, its evaluations or tuning.")
    table = results_dir(out_dir) / "dqn_seeds.md"
    table.write_text("\n".join(rows) + "\n")
    return [png, table]


def table_dqn_tuning(out_dir: Path, *, quick: bool = False) -> list[Path]:
    """The defaults, and the same with the one-step target, on the tuning seeds: per
    seed, the step from which the greedy return stays >= 475 and the final evaluation;
    the summary sentence the page includes."""
    seeds, config = _settings(quick)
    default_seeds = seeds if quick else TUNING_SEEDS
    one_step_seeds = seeds if quick else ONE_STEP_SEEDS
    held_out = _held_out(quick)
    rows = ["| n_step | seed | step it stays >= 475 | last evaluation in training "
            f"| held-out greedy mean ({len(held_out)} episodes) |", "|---|---|---|---|---|"]
    ended, never = {}, {}
    for n_step, run in ((DQNConfig().n_step, default_seeds), (1, one_step_seeds)):
        histories, finals = run_seeds({"n_step": n_step}, run, held_out, **config)
        ends = [h[-1]["eval_mean"] for h in histories]
        stays = [steps_to_stay(h) for h in histories]
        for seed, stay, end, final in zip(run, stays, ends, finals, strict=True):
            rows.append(f"| {n_step} | {seed} | {'never' if stay is None else stay} | "
                        f"{end:.1f} | {final:.1f} |")
        ended[n_step] = (sum(f >= 475 for f in finals), len(run))
        never[n_step] = (sum(st is None for st in stays), len(run))
    n5 = DQNConfig().n_step
    sentence = (f"With the defaults (`n_step = {n5}`), {ended[n5][0]} of the "
                f"{ended[n5][1]} tuning seeds end with a held-out greedy mean >= 475; with "
                f"`n_step = 1` and everything else the same, {never[1][0]} of "
                f"{never[1][1]} tuning seeds never stay >= 475 within "
                f"{config.get('total_steps', DQNConfig().total_steps)} steps"
                f"{' (quick run)' if quick else ''}.")
    table = results_dir(out_dir) / "dqn_tuning.md"
    table.write_text("\n".join(rows) + "\n")
    summary = results_dir(out_dir) / "dqn_tuning_summary.md"
    summary.write_text(sentence + "\n")
    return [table, summary]
