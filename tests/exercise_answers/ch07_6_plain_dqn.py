"""A typical wrong answer to exercise 7.6: the DQN target, max over theta^-."""


MISTAKE = 'the plain DQN target'  # the checker must name it


def double_dqn_target(r, terminated, q_next_online, q_next_target, gamma):
    return r + gamma * (1 - terminated) * q_next_target.max(axis=1)
