"""A typical wrong answer to exercise 1.3: the search goes on after a player has won."""


MISTAKE = 'play continues after a win'  # the checker must name it


def count_positions(rows, cols, k):
    n = rows * cols
    boards, total = {(0,) * n}, 0
    for t in range(n + 1):
        total += len(boards)
        boards = {b[:i] + (1 + t % 2,) + b[i + 1:] for b in boards
                  for i in range(n) if b[i] == 0}
    return total
