"""Exercise 1.3, a typical wrong answer: only the down-right diagonals are checked."""

MISTAKE = "one diagonal direction is not checked"


def count_positions(rows, cols, k):
    lines = []
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1)):  # wrong: (1, -1) is missing
                cells = [(r + i * dr, c + i * dc) for i in range(k)]
                if all(0 <= a < rows and 0 <= b < cols for a, b in cells):
                    lines.append([a * cols + b for a, b in cells])
    seen = set()

    def play(board, player):
        if board in seen:
            return
        seen.add(board)
        if "." not in board or any(board[line[0]] != "." and
                                   all(board[i] == board[line[0]] for i in line)
                                   for line in lines):
            return
        for i, cell in enumerate(board):
            if cell == ".":
                play(board[:i] + player + board[i + 1:], "O" if player == "X" else "X")

    play("." * (rows * cols), "X")
    return len(seen)
