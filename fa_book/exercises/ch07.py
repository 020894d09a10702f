r"""Chapter 7's programming exercises (DQN).

7.4 *Terminated is not truncated.* The $n$-step targets (NSTEP), (TARGET) of one episode,
from its rewards and the target network's $Q(s_t, \cdot\,; \theta^-)$: no bootstrap from a
terminal state, a bootstrap from the state a time limit cut at, $\gamma^m$ for the $m < n$
rewards left at the end. The exact answer is the formula written out; the solution on the
page compares it with the package's own `NStepAccumulator` and `dqn_target`.

7.6 *Double DQN.* The target $r + \gamma(1 - \text{terminated})\,Q(s', a^*; \theta^-)$ with
$a^* = \arg\max_{a'} Q(s', a'; \theta)$, from the two networks' values at $s'$; the exact
answer is the `# (DOUBLE)` and `# (TARGET)` lines of `dqn_target(..., q_net=...)` in numpy.

7.7 *The Huber loss.* (HUBER) on a minibatch; the exact answer is its closed form (what
torch's `smooth_l1_loss` with $\delta = 1$, the call `dqn_loss` makes, computes).

Imports beyond numpy happen inside the functions: every chapter module is imported
whenever any exercise is checked. Nothing here imports torch (the Q-values of the cases
come from numpy, not from torch networks), so the grading does not wait for it.
"""

from __future__ import annotations

import numpy as np

from fa_book.exercises._registry import Case, Exercise, register
from fa_book.exercises._strategies import rounded, small_ints


def _fmt(x) -> str:
    """A short, readable list for a label: integers without '.0', others to 3 digits."""
    arr = np.asarray(x, dtype=float)
    if np.all(arr == np.round(arr)):
        arr = arr.astype(int)
        return str(arr.tolist())
    return str(np.round(arr, 3).tolist())


# --- 7.4: the n-step targets of one episode -----------------------------------------------

def _targets(rewards, q, terminated, n, gamma, *, cut_last_only=False, cut_truncated=False,
             power_n=False, undiscounted=False, shifted_state=False, mask_reward=False):
    """The n-step targets written out, with switches for the typical mistakes."""
    rewards, q = np.asarray(rewards, float), np.asarray(q, float)
    T = len(rewards)
    y = np.zeros(T)
    for t in range(T):
        m = min(n, T - t)
        R = sum((1.0 if undiscounted else gamma ** k) * rewards[t + k] for k in range(m))
        reaches_end = t + m == T
        if cut_last_only:
            done = terminated and t == T - 1
        elif cut_truncated:
            done = reaches_end
        else:
            done = terminated and reaches_end
        boot = gamma ** (n if power_n else m) * q[t + m - (1 if shifted_state else 0)].max()
        y[t] = (1 - done) * (R + boot) if mask_reward else R + (1 - done) * boot
    return y


def episode_targets(rewards, q, terminated, n, gamma) -> np.ndarray:
    r"""The exact answer: $y_t = R_t^{(m)} + \gamma^m (1 - \text{terminated}_t)
    \max_{a'} Q(s_{t+m}, a'; \theta^-)$, $m = \min(n, T - t)$, written out (the
    transitions the package's `NStepAccumulator` stores, with `dqn_target`'s (TARGET)
    line; the solution on the page checks its answer against those two)."""
    return _targets(rewards, q, terminated, n, gamma)


def _mistake(**switch):
    return lambda rewards, q, terminated, n, gamma: _targets(rewards, q, terminated, n, gamma,
                                                             **switch)


def _ignores_terminated(rewards, q, terminated, n, gamma):
    return _targets(rewards, q, False, n, gamma)


def _one_step(rewards, q, terminated, n, gamma):
    return _targets(rewards, q, terminated, 1, gamma)


def _episode_label(rewards, q, terminated, n, gamma, extra=""):
    T = len(rewards)
    end = f"s_{T} terminal (terminated)" if terminated else f"cut by the time limit at t = {T}"
    return (f"T = {T}, rewards R_1..R_{T} = {_fmt(rewards)}, Q(s_t, .; theta^-) for t = 0..{T} "
            f"= {_fmt(q)}, {end}, n = {n}, gamma = {gamma}{extra}")


def _cartpole_episode(seed: int, max_steps: int | None):
    """States of a CartPole-v1 episode with uniformly random actions (seeded)."""
    import gymnasium as gym

    env = gym.make("CartPole-v1", **({} if max_steps is None else
                                      {"max_episode_steps": max_steps}))
    s, _ = env.reset(seed=seed)
    rng, states, rewards = np.random.default_rng(seed), [s], []
    while True:
        s, r, term, trunc, _ = env.step(int(rng.integers(2)))
        states.append(s)
        rewards.append(float(r))
        if term or trunc:
            env.close()
            return np.array(states), np.array(rewards), bool(term)


def _cartpole_q(states: np.ndarray, seed: int) -> np.ndarray:
    """Q-values of the 2 actions at the states from a seeded random linear map
    ``s W + b`` (numpy, not a torch network: the grading must not wait for torch)."""
    rng = np.random.default_rng(seed)
    return np.asarray(states, float) @ rng.normal(0, 1, (4, 2)) + rng.normal(0, 1, 2)


def _cases_7_4() -> list[Case]:
    q3 = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 3.0], [4.0, 2.0]])
    hand = [
        (np.array([1.0, 2.0, 3.0]), q3, True, 2, 0.5),
        (np.array([1.0, 2.0, 3.0]), q3, False, 2, 0.5),
        (np.array([1.0, 2.0, 1.0, 3.0]),
         np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 1.0], [1.0, 1.0], [2.0, 5.0]]), False, 3, 0.5),
    ]
    cases = [Case({"rewards": r, "q": q, "terminated": d, "n": n, "gamma": g},
                  _episode_label(r, q, d, n, g)) for r, q, d, n, g in hand]
    rng = np.random.default_rng(7_4)
    for k in range(3):
        T, A, n = int(rng.integers(3, 12)), int(rng.integers(2, 5)), int(rng.integers(1, 6))
        terminated = bool(k % 2 == 0)
        cases.append(Case({"rewards": rng.uniform(-1, 1, T), "q": rng.uniform(-2, 2, (T + 1, A)),
                           "terminated": terminated, "n": n, "gamma": 0.9},
                          f"random case {k + 1} (seed 74): T = {T}, {A} actions, n = {n}, "
                          f"gamma = 0.9, " + ("terminated" if terminated else "truncated")))
    # the book's setting: CartPole-v1 episodes, n = 5, gamma = 0.99 (Q = s W + b, W and b
    # seeded random)
    for seed, max_steps in ((0, None), (1, 12)):
        states, rewards, terminated = _cartpole_episode(seed, max_steps)
        how = ("until the pole falls (terminated)" if terminated else
               f"cut by a time limit of {max_steps} steps (truncated)")
        cases.append(Case({"rewards": rewards, "q": _cartpole_q(states, seed),
                           "terminated": terminated, "n": 5, "gamma": 0.99},
                          f"a CartPole-v1 episode (reset seed {seed}, random actions) of "
                          f"T = {len(rewards)} steps {how}, Q = s W + b with W, b seeded "
                          "random, n = 5, gamma = 0.99"))
    return cases


def _generated_7_4():
    from hypothesis import strategies as st

    small = st.integers(-3, 3).map(float)

    @st.composite
    def case(draw):
        T, A = draw(st.integers(1, 5)), draw(st.integers(1, 3))
        rewards = np.array(draw(st.lists(small, min_size=T, max_size=T)))
        q = np.array(draw(st.lists(st.lists(small, min_size=A, max_size=A),
                                   min_size=T + 1, max_size=T + 1)))
        terminated, n = draw(st.booleans()), draw(st.integers(1, 4))
        gamma = draw(st.sampled_from([0.5, 0.9, 1.0]))
        return Case({"rewards": rewards, "q": q, "terminated": terminated, "n": n,
                     "gamma": gamma},
                    _episode_label(rewards, q, terminated, n, gamma, " (found by hypothesis)"))
    return case()


EX_7_4 = register(Exercise(
    id="7.4",
    module="ch07.py",
    function="n_step_targets",
    params=("rewards", "q", "terminated", "n", "gamma"),
    cases=_cases_7_4,
    generated=_generated_7_4,
    expected=episode_targets,
    mistakes=(
        ("bootstrapping from a terminal state: when the episode terminated, every target "
         "whose m rewards reach s_T has no gamma^m max Q(s_T) term", _ignores_terminated),
        ("only the last step is cut at the terminal state: every n-step return that reaches "
         "s_T stops there, not just t = T - 1", _mistake(cut_last_only=True)),
        ("a time-limit cut treated as terminal: after truncated, s_T is not terminal and "
         "the targets still bootstrap from it", _mistake(cut_truncated=True)),
        ("gamma^n for every target: the last steps of an episode have m = T - t < n rewards "
         "and bootstrap with gamma^m", _mistake(power_n=True)),
        ("the rewards are summed without discount: R_{t+1} + gamma R_{t+2} + ... "
         "+ gamma^(m-1) R_{t+m}", _mistake(undiscounted=True)),
        ("bootstrapping from s_{t+m-1}: after m rewards the state reached is s_{t+m}",
         _mistake(shifted_state=True)),
        ("the terminal mask multiplies the rewards too: (1 - terminated) zeroes only the "
         "bootstrap term", _mistake(mask_reward=True)),
        ("one-step targets: n is ignored", _one_step),
    ),
))


# --- 7.6: the Double-DQN target -----------------------------------------------------------

def double_target(r, terminated, q_next_online, q_next_target, gamma) -> np.ndarray:
    r"""The exact answer, the lines `# (DOUBLE)` and `# (TARGET)` of `dqn_target` in
    numpy (no torch import, so the grading stays fast): $a^*$ = the first argmax of
    $Q(s', \cdot\,; \theta)$, as `torch.argmax` takes it, valued by $\theta^-$."""
    return _bootstrap(r, terminated, _chosen_by(q_next_online, q_next_target), gamma)


def _bootstrap(r, terminated, value, gamma):
    return np.asarray(r, float) + gamma * (1.0 - np.asarray(terminated, float)) * value


def _chosen_by(q_choose, q_value):
    return np.take_along_axis(q_value, q_choose.argmax(axis=1)[:, None], axis=1)[:, 0]


def _plain_dqn(r, terminated, q_next_online, q_next_target, gamma):
    return _bootstrap(r, terminated, q_next_target.max(axis=1), gamma)


def _swapped(r, terminated, q_next_online, q_next_target, gamma):
    return _bootstrap(r, terminated, _chosen_by(q_next_target, q_next_online), gamma)


def _online_only(r, terminated, q_next_online, q_next_target, gamma):
    return _bootstrap(r, terminated, q_next_online.max(axis=1), gamma)


def _double_no_mask(r, terminated, q_next_online, q_next_target, gamma):
    return _bootstrap(r, np.zeros(len(r)), _chosen_by(q_next_online, q_next_target), gamma)


def _double_masked_reward(r, terminated, q_next_online, q_next_target, gamma):
    return (1.0 - np.asarray(terminated, float)) * _bootstrap(
        r, np.zeros(len(r)), _chosen_by(q_next_online, q_next_target), gamma)


def _batch_label(r, terminated, q_on, q_tg, gamma, extra=""):
    return (f"B = {len(r)}: r = {_fmt(r)}, terminated = {_fmt(terminated)}, "
            f"Q(s', .; theta) = {_fmt(q_on)}, Q(s', .; theta^-) = {_fmt(q_tg)}, "
            f"gamma = {gamma}{extra}")


def _cases_7_6() -> list[Case]:
    hand = [
        (np.array([1.0]), np.array([0.0]), np.array([[1.0, 2.0, 0.0]]),
         np.array([[3.0, 1.0, 2.0]]), 0.5),
        (np.array([1.0, 0.0, 2.0]), np.array([0.0, 1.0, 0.0]),
         np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 0.0]]),
         np.array([[5.0, 2.0], [1.0, 6.0], [1.0, 3.0]]), 0.9),
    ]
    cases = [Case({"r": r, "terminated": d, "q_next_online": qo, "q_next_target": qt,
                   "gamma": g}, _batch_label(r, d, qo, qt, g)) for r, d, qo, qt, g in hand]
    rng = np.random.default_rng(7_6)
    for k in range(3):
        B, A = int(rng.integers(3, 10)), int(rng.integers(2, 6))
        cases.append(Case({"r": rng.uniform(-1, 1, B),
                           "terminated": (rng.random(B) < 0.3).astype(float),
                           "q_next_online": rng.uniform(-2, 2, (B, A)),
                           "q_next_target": rng.uniform(-2, 2, (B, A)), "gamma": 0.99},
                          f"random case {k + 1} (seed 76): B = {B}, {A} actions, gamma = 0.99"))
    # the book's setting: CartPole transitions; two seeded maps as theta and theta^-
    states, rewards, _ = _cartpole_episode(2, None)
    s_next, term = states[1:], np.zeros(len(rewards))
    term[-1] = 1.0
    cases.append(Case({"r": rewards, "terminated": term,
                       "q_next_online": _cartpole_q(s_next, 3),
                       "q_next_target": _cartpole_q(s_next, 4), "gamma": 0.99},
                      f"the {len(rewards)} transitions of a CartPole-v1 episode (reset seed 2, "
                      "random actions, the last terminal), Q(s', .; theta) and Q(s', .; theta^-) "
                      "two seeded random linear maps s W + b, gamma = 0.99"))
    return cases


def _generated_7_6():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        B, A = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        # distinct online values in a row: argmax has no ties to break
        q_on = np.array([draw(st.permutations(range(A))) for _ in range(B)], dtype=float)
        q_tg = np.array(draw(st.lists(st.lists(st.integers(-3, 3).map(float), min_size=A,
                                               max_size=A), min_size=B, max_size=B)))
        r = np.array(draw(st.lists(small_ints(), min_size=B, max_size=B)))
        d = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=B, max_size=B)))
        gamma = draw(st.sampled_from([0.5, 0.9, 1.0]))
        return Case({"r": r, "terminated": d, "q_next_online": q_on, "q_next_target": q_tg,
                     "gamma": gamma}, _batch_label(r, d, q_on, q_tg, gamma,
                                                   " (found by hypothesis)"))
    return case()


EX_7_6 = register(Exercise(
    id="7.6",
    module="ch07.py",
    function="double_dqn_target",
    params=("r", "terminated", "q_next_online", "q_next_target", "gamma"),
    cases=_cases_7_6,
    generated=_generated_7_6,
    expected=double_target,
    mistakes=(
        ("the plain DQN target: max_a' Q(s', a'; theta^-) chooses and values a' with theta^-; "
         "Double DQN chooses a* with theta", _plain_dqn),
        ("the roles are swapped: a* = argmax Q(s', .; theta) is chosen by the online network "
         "and valued by the target network", _swapped),
        ("no target network: a' chosen and valued by theta, max_a' Q(s', a'; theta)",
         _online_only),
        ("bootstrapping from a terminal state: (1 - terminated_j) must zero the bootstrap term",
         _double_no_mask),
        ("the terminal mask multiplies the reward too: a terminal transition's target is r_j",
         _double_masked_reward),
    ),
))


# --- 7.7: the Huber loss ------------------------------------------------------------------

def huber_exact(y, q) -> float:
    r"""The exact answer, the closed form (HUBER): the mean of $h(e_j)$ (torch's
    `smooth_l1_loss(q, y, beta=1)`, the call `dqn_loss` makes, computes the same)."""
    return _huber_parts(y, q)


def _huber_parts(y, q, *, quad=0.5, lin=0.5, threshold=1.0, reduce=np.mean):
    e = np.asarray(y, float) - np.asarray(q, float)
    h = np.where(np.abs(e) <= threshold, quad * e**2, np.abs(e) - lin)
    return float(reduce(h))


def _mse(y, q):
    return float(np.mean((np.asarray(y, float) - np.asarray(q, float)) ** 2))


def _half_mse(y, q):
    return 0.5 * _mse(y, q)


def _abs(y, q):
    return float(np.mean(np.abs(np.asarray(y, float) - np.asarray(q, float))))


def _clipped_square(y, q):
    return float(np.mean(0.5 * np.clip(np.asarray(y, float) - np.asarray(q, float), -1, 1) ** 2))


def _cases_7_7() -> list[Case]:
    hand = [
        (np.array([1.0, 3.0, 0.0]), np.array([0.5, 0.0, 0.5])),  # B = 3: a sum is not 2x
        (np.array([1.0, 0.0, 2.0, -1.0]), np.array([0.5, 2.0, 2.0, 1.5])),
    ]
    cases = [Case({"y": y, "q": q}, f"y = {_fmt(y)}, q = {_fmt(q)}") for y, q in hand]
    rng = np.random.default_rng(7_7)
    for k in range(3):
        B = int(rng.integers(5, 40))
        cases.append(Case({"y": rng.normal(0, 2, B), "q": rng.normal(0, 2, B)},
                          f"random case {k + 1} (seed 77): B = {B} errors of either size"))
    # the book's setting: targets of a CartPole minibatch against a seeded network's values
    states, rewards, _ = _cartpole_episode(5, None)
    q_all = _cartpole_q(states, 5)
    y = rewards + 0.99 * q_all[1:].max(axis=1)
    y[-1] = rewards[-1]
    cases.append(Case({"y": y, "q": q_all[:-1, 0]},
                      f"the {len(y)} one-step targets of a CartPole-v1 episode (reset seed 5) "
                      "against Q(s_j, 0; theta), Q = s W + b with W, b seeded random"))
    return cases


def _generated_7_7():
    from hypothesis import strategies as st

    @st.composite
    def case(draw):
        B = draw(st.integers(1, 4))
        val = rounded(-3, 3, 1)
        y = np.array(draw(st.lists(val, min_size=B, max_size=B)))
        q = np.array(draw(st.lists(val, min_size=B, max_size=B)))
        return Case({"y": y, "q": q}, f"y = {_fmt(y)}, q = {_fmt(q)} (found by hypothesis)")
    return case()


EX_7_7 = register(Exercise(
    id="7.7",
    module="ch07.py",
    function="huber_loss",
    params=("y", "q"),
    cases=_cases_7_7,
    generated=_generated_7_7,
    expected=huber_exact,
    mistakes=(
        ("the squared error (LOSS), not the Huber loss: h(e) = e^2/2 for |e| <= 1", _mse),
        ("e^2/2 for every error: past |e| = 1 the Huber loss is linear, |e| - 1/2",
         _half_mse),
        ("the linear piece is |e|, not |e| - 1/2 (the two pieces must meet at |e| = 1)",
         lambda y, q: _huber_parts(y, q, lin=0.0)),
        ("e^2 without the 1/2 on the quadratic piece",
         lambda y, q: _huber_parts(y, q, quad=1.0)),
        ("the sum over the minibatch, not the mean (1/B)",
         lambda y, q: _huber_parts(y, q, reduce=np.sum)),
        ("twice the Huber loss, e^2 and 2|e| - 1: (HUBER) is e^2/2 for |e| <= 1 and "
         "|e| - 1/2 past it", lambda y, q: 2.0 * _huber_parts(y, q)),
        ("the error is clipped before squaring: the clipping belongs to the gradient, "
         "h'(e) = clip(e, -1, 1)", _clipped_square),
        ("the mean absolute error |e|: the Huber loss is e^2/2 for |e| <= 1", _abs),
    ),
))
