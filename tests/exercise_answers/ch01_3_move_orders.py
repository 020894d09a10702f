"""A typical wrong answer to exercise 1.3: every move order counted as a new position."""


MISTAKE = 'move sequences counted, not positions'  # the checker must name it


def count_positions(rows, cols, k):
    n = rows * cols
    lines = []
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                cells = [(r + i * dr, c + i * dc) for i in range(k)]
                if all(0 <= a < rows and 0 <= b < cols for a, b in cells):
                    lines.append([a * cols + b for a, b in cells])

    def search(board, player):
        count = 1
        if any(board[ln[0]] and all(board[i] == board[ln[0]] for i in ln) for ln in lines):
            return count
        for i in range(n):
            if board[i] == 0:
                board[i] = player
                count += search(board, 3 - player)
                board[i] = 0
        return count

    return search([0] * n, 1)
