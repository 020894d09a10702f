"""The self-checking exercises: the checker passes the solution, fails the stub with "not
implemented", names the mistake of each typical wrong answer, and turns every kind of bad
file into one line (never a traceback)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from fa_book.exercises import EXERCISES, Result, _grade, check, solution_path, stub_path
from fa_book.exercises.ch04 import every_visit_average

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "tests" / "exercise_answers"



def wrong_answers() -> dict[str, tuple[str, str]]:
    """``chNN_K_what.py`` -> (exercise "N.K", the words its ``MISTAKE`` says the message
    must contain)."""
    found = {}
    for path in sorted(ANSWERS.glob("ch*_*_*.py")):
        chapter, number = re.match(r"ch(\d\d)_(\d+)_", path.name).groups()
        mistake = next(node.value.value for node in ast.parse(path.read_text()).body
                       if isinstance(node, ast.Assign)
                       and getattr(node.targets[0], "id", "") == "MISTAKE")
        found[path.name] = (f"{int(chapter)}.{number}", mistake)
    return found


WRONG = wrong_answers()


def grade_here(exercise_id: str, path: Path) -> Result:
    """The checker's grading of a file, in this process (the child process adds ~1 s a
    file; the command-line tests below run it for real)."""
    ex = EXERCISES[exercise_id]
    try:
        return Result(True, _grade.grade(ex, path))
    except _grade.Fail as fail:
        return Result(False, str(fail))


def one_line(result) -> str:
    msg = result.message
    assert "\n" not in msg and "Traceback" not in msg, msg
    return msg


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_the_solution_passes_and_the_stub_is_not_implemented(exercise_id):
    ok = grade_here(exercise_id, solution_path(exercise_id))
    assert ok, ok.message
    stub = grade_here(exercise_id, stub_path(exercise_id))
    assert not stub and "not implemented" in one_line(stub)


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_exercise_has_a_typical_wrong_answer(exercise_id):
    assert any(ex_id == exercise_id for ex_id, _ in WRONG.values()), (
        f"no tests/exercise_answers/chNN_K_*.py for exercise {exercise_id}")


@pytest.mark.parametrize("answer", sorted(WRONG))
def test_a_typical_wrong_answer_is_named(answer):
    exercise_id, mistake = WRONG[answer]
    result = grade_here(exercise_id, ANSWERS / answer)
    assert not result
    msg = one_line(result)
    assert "likely mistake: " + mistake in msg, msg
    assert "expected " in msg and "got " in msg, msg


def test_the_mistakes_of_4_2_name_the_input():
    msg = one_line(grade_here("4.2", ANSWERS / "ch04_2_first_visit.py"))
    assert "expected [" in msg and "got [" in msg and "groups visited" in msg


PAGES = {int(m.group(1)): m.group(2) for m in re.finditer(
    r"^ +- (\d+)\. [^:]+: (\S+\.md)$", (ROOT / "mkdocs.yml").read_text(), re.M)}


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_exercise_is_on_its_page_with_stub_and_folded_solution(exercise_id):
    ex = EXERCISES[exercise_id]
    chapter, number = exercise_id.split(".")
    page = (ROOT / "docs" / PAGES[int(chapter)]).read_text(encoding="utf-8")
    section = page[page.index("## Exercises"):]
    tag = f"ex{chapter}_{number}"
    assert f'??? example "Check it yourself 自测: exercise {exercise_id}"' in section
    assert f'--8<-- "fa_book/exercises/stubs/{ex.module}:{tag}"' in section
    assert f'--8<-- "fa_book/exercises/solutions/{ex.module}:{tag}"' in section
    assert f'check("{exercise_id}", {ex.function})' in section
    assert f'assert check("{exercise_id}", {ex.function})' in section
    solution = section[section.index(f"solutions/{ex.module}:{tag}"):]
    assert section.rindex('??? success "Solution 参考答案"', 0, section.index(
        f"solutions/{ex.module}:{tag}")) > section.index(f"stubs/{ex.module}:{tag}")
    assert solution  # the solution follows its stub, folded
    # the list item it sits in is exercise number `number` of the section
    items = re.findall(r"^(\d+)\. \*\*", section[:section.index(f"stubs/{ex.module}:{tag}")],
                       re.M)
    assert items and items[-1] == number, (exercise_id, items[-3:])


def test_the_exact_answer_is_the_every_visit_average():
    # theta_g = mean return over the visits to g; the step-size 1/k running mean is it
    visits, G = [np.array([0, 0, 1]), np.array([1, 1])], np.array([1.0, -1.0])
    np.testing.assert_allclose(every_visit_average(visits, G, 3), [1.0, -1 / 3, 0.0])


BAD = {
    "syntax": ("def gradient_mc_one_over_k(visits, G, n_groups)\n    return 0\n",
               "does not compile", "line 1"),
    "import": ("import numpy as np\nimport no_such_module_xyz\n",
               "importing bad.py raised ModuleNotFoundError", "line 2"),
    "module_raises": ("raise RuntimeError('boom')\n", "raised RuntimeError: boom", "line 1"),
    "missing": ("def gradient_mc(visits, G, n_groups):\n    return 0\n",
                "defines no function `gradient_mc_one_over_k`", "gradient_mc"),
    "not_function": ("gradient_mc_one_over_k = 3\n", "is a int, not a function", ""),
    "signature": ("def gradient_mc_one_over_k(visits, G):\n    return 0\n",
                  "wrong signature: expected gradient_mc_one_over_k(visits, G, n_groups)",
                  "(visits, G)"),
    "raises": ("def gradient_mc_one_over_k(visits, G, n_groups):\n"
               "    return visits[0] / 0 + {}['x']\n", "raised KeyError", "line 2"),
    "nan": ("import numpy as np\ndef gradient_mc_one_over_k(visits, G, n_groups):\n"
            "    return np.full(n_groups, np.nan)\n", "returned nan at index [0]", "1 episode"),
    "shape": ("import numpy as np\ndef gradient_mc_one_over_k(visits, G, n_groups):\n"
              "    return np.zeros((n_groups, 1))\n",
              "returned shape (2, 1), expected (2,)", "1 episode"),
    "type": ("def gradient_mc_one_over_k(visits, G, n_groups):\n    return 'theta'\n",
             "returned str 'theta', expected an array of shape (2,)", ""),
    "prints": ("import numpy as np\nprint('hello')\n"
               "def gradient_mc_one_over_k(visits, G, n_groups):\n"
               "    print('{\"ok\": true, \"message\": \"fake\"}')\n"
               "    return np.zeros(n_groups)\n", "wrong values", ""),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_file_gets_one_line(tmp_path, kind):
    source, words, more = BAD[kind]
    path = tmp_path / "bad.py"
    path.write_text(source)
    result = check("4.2", path, quiet=True)
    assert not result
    msg = one_line(result)
    assert words in msg and more in msg, msg


def test_a_missing_file_and_a_folder(tmp_path):
    assert "no such file" in one_line(check("4.2", tmp_path / "nope.py", quiet=True))
    assert "not a file" in one_line(check("4.2", tmp_path, quiet=True))


def test_a_hanging_function_is_stopped(tmp_path):
    path = tmp_path / "hang.py"
    path.write_text("def gradient_mc_one_over_k(visits, G, n_groups):\n"
                    "    while True:\n        pass\n")
    result = check("4.2", path, quiet=True, time_limit=6)
    assert not result and "no answer within 6 s" in one_line(result)


def test_a_crash_of_the_process_is_one_line(tmp_path):
    path = tmp_path / "crash.py"
    path.write_text("import os\ndef gradient_mc_one_over_k(visits, G, n_groups):\n"
                    "    os._exit(3)\n")
    result = check("4.2", path, quiet=True)
    assert not result and "died (exit code 3)" in one_line(result)


def test_bad_arguments_to_check_name_the_argument(tmp_path):
    with pytest.raises(ValueError, match="exercise_id"):
        check("99.9", tmp_path / "x.py")
    for bad in (0, -1, float("nan"), 1e9, True, "5"):
        with pytest.raises(ValueError, match="time_limit"):
            check("4.2", tmp_path / "x.py", time_limit=bad)


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "fa_book.exercises", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_the_command_line(tmp_path):
    ok = cli("check", "4.2", str(solution_path("4.2")))
    assert ok.returncode == 0 and ok.stdout.startswith("exercise 4.2"), ok
    stub = tmp_path / "mine.py"
    shown = cli("stub", "4.2")
    assert shown.returncode == 0 and "raise NotImplementedError" in shown.stdout
    stub.write_text(shown.stdout)
    failed = cli("check", "4.2", "mine.py", cwd=tmp_path)
    assert failed.returncode == 1 and "not implemented" in failed.stdout
    assert failed.stdout.count("\n") == 1 and not failed.stderr
    unknown = cli("check", "99.9", "mine.py")
    assert unknown.returncode == 2 and "no exercise '99.9'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    listed = cli("list")
    assert listed.returncode == 0 and "4.2  gradient_mc_one_over_k" in listed.stdout


def test_a_function_object_is_graded_in_process():
    # as from a notebook cell: the function itself, not a file
    from fa_book.exercises.solutions.ch04 import gradient_mc_one_over_k as right
    assert check("4.2", right, quiet=True)

    def wrong(visits, G, n_groups):
        return np.zeros(n_groups)
    msg = one_line(check("4.2", wrong, quiet=True))
    assert "wrong values on 1 episode" in msg

    def hangs(visits, G, n_groups):
        while True:
            pass
    assert "no answer within 1 s" in one_line(check("4.2", hangs, quiet=True, time_limit=1))

    def two_args(visits, G):
        return G
    assert "wrong signature" in one_line(check("4.2", two_args, quiet=True))
    with pytest.raises(TypeError, match="path"):
        check("4.2", 42)


def test_hypothesis_finds_what_the_fixed_cases_miss():
    # right on every fixed case (none has a single group), wrong with one group: the
    # generated search finds it and reports the input shrunk to the smallest
    from fa_book.exercises.solutions.ch04 import gradient_mc_one_over_k as right

    def wrong_with_one_group(visits, G, n_groups):
        theta = right(visits, G, n_groups)
        return theta + 1.0 if n_groups == 1 else theta

    msg = one_line(check("4.2", wrong_with_one_group, quiet=True))
    assert "found by hypothesis" in msg and "n_groups = 1" in msg, msg
    assert "1 episode(s), groups visited [0]," in msg, msg  # shrunk
    again = one_line(check("4.2", wrong_with_one_group, quiet=True))
    assert again == msg  # derandomized: the same case every run
    assert "and 100 generated by hypothesis" in one_line(check("4.2", right, quiet=True))


def test_a_grading_leaves_the_folder_as_it_found_it(tmp_path, monkeypatch):
    # hypothesis would cache the constants of the loaded modules in ./.hypothesis; a
    # notebook's folder (tests/test_notebooks.py) and a reader's must stay clean
    from fa_book.exercises.solutions.ch04 import gradient_mc_one_over_k as right

    monkeypatch.chdir(tmp_path)
    assert check("4.2", right, quiet=True)  # in this process, from this folder
    mine = tmp_path / "mine.py"
    mine.write_text(solution_path("4.2").read_text(encoding="utf-8"), encoding="utf-8")
    assert check("4.2", mine, quiet=True)  # in a child process, from the file's folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.py"]


def test_a_torch_tensor_that_requires_grad_is_read_not_a_traceback():
    import torch

    from fa_book.exercises.solutions.ch04 import gradient_mc_one_over_k as right

    def as_tensor(visits, G, n_groups):
        return torch.tensor(right(visits, G, n_groups), requires_grad=True) * 1.0

    assert check("4.2", as_tensor, quiet=True)

    def a_dict(visits, G, n_groups):
        return {"theta": 0}
    assert "returned dict" in one_line(check("4.2", a_dict, quiet=True))

def test_the_exact_answers_of_chapters_9_and_10_are_the_package_s():
    # the graders compute (PGT1), (PGTV), the softmax scores and (REINFORCE) in numpy so
    # that a grading imports no torch; on every fixed case they equal the package's code
    from fa_book.exercises import ch09, ch10
    from fa_book.policies import SoftmaxLinearPolicy
    from fa_book.policy_gradient import differential_values, exact_gradient, j_start
    from fa_book.reinforce import reinforce_update

    rng = np.random.default_rng(9)
    X, theta = rng.uniform(-1, 1, (4, 3, 2)), rng.uniform(-2, 2, 2)
    policy, ours = SoftmaxLinearPolicy(2, 3), ch09.softmax_policy(theta, X)
    np.testing.assert_allclose(ours["pi"], policy.pi(theta, X), atol=1e-14)
    np.testing.assert_allclose(ours["score"], policy.grad_log_pi_all(theta, X), atol=1e-14)
    for case in EXERCISES["9.6"].cases():
        mdp, pi = case.kwargs["mdp"], case.kwargs["pi"]
        np.testing.assert_allclose(ch09.differential_q(mdp, pi),
                                   differential_values(mdp, pi)[2], atol=1e-12)
    X, theta = rng.uniform(-1, 1, (3, 2, 2)), rng.uniform(-2, 2, 2)
    task = ch09.problem(5, 3, 2, 2, 0.9, 0.2)["mdp"]
    pi, score = ch09.softmax_policy(theta, X).values()
    np.testing.assert_allclose(ch09.pg_start_answer(task, pi, score, np.ones(3)),
                               exact_gradient(j_start, task, theta, X), atol=1e-12)
    for case in EXERCISES["10.1"].cases():
        kw = case.kwargs
        np.testing.assert_allclose(
            ch10.reinforce_answer(**kw),
            reinforce_update(kw["grad_log_pi"], kw["rewards"], alpha=kw["alpha"],
                             gamma=kw["gamma"], baseline=kw["baseline"]), atol=1e-12)
    scores, _ = ch10.corridor_episode(3)
    h = np.log(0.4 / 0.6)
    T, actions = len(scores), (scores[:, 0] > 0).astype(int)  # right: score (1 - p, p - 1)
    np.testing.assert_allclose(scores, SoftmaxLinearPolicy(2, 2).grad_log_pi(
        np.array([h / 2, -h / 2]), np.broadcast_to([[0.0, 1.0], [1.0, 0.0]], (T, 2, 2)),
        actions), atol=1e-14)


def test_a_mistake_that_gives_the_right_answer_on_the_case_is_never_named():
    # 6.7's first case has no terminal step, so "bootstrapping from a terminal state" gives
    # the right gradient there; a wrong answer that matches it must not be told that
    from fa_book.exercises.solutions.ch06 import semi_gradient_loss_grad as right

    def off_by_a_little(w, x, r, x_next, terminated, gamma):
        return right(w, x, r, x_next, terminated, gamma) + 1e-7

    msg = one_line(check("6.7", off_by_a_little, quiet=True))
    assert "the page's transition" in msg and "likely mistake" not in msg, msg


def test_an_answer_right_only_to_single_precision_is_told_to_use_float64():
    from fa_book.exercises.solutions.ch06 import semi_gradient_loss_grad as right

    def in_float32(w, x, r, x_next, terminated, gamma):
        return right(w, x, r, x_next, terminated, gamma).astype(np.float32)

    msg = one_line(check("6.7", in_float32, quiet=True))
    assert "single precision? compute in float64" in msg, msg
    assert "likely mistake" not in msg, msg


def test_two_mistakes_with_the_same_numbers_on_a_case_are_both_named():
    # every |e| <= 1: the squared error, e^2 on the quadratic piece and twice the Huber
    # loss are all mean(e^2); the first two in the list are named
    from fa_book.exercises._registry import Case

    y, q = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    case = Case({"y": y, "q": q}, "y = [1, 0], q = [0.5, 0.5]")
    with pytest.raises(_grade.Fail) as fail:
        _grade.verdict(EXERCISES["7.7"], lambda y, q: float(np.mean((y - q) ** 2)), case)
    msg = str(fail.value)
    assert "likely mistake: the squared error" in msg, msg
    assert "(or: e^2 without the 1/2 on the quadratic piece)" in msg, msg
