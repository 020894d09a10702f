"""Tests for fa_book.dqn_io: checkpoints survive a round trip, and every way a checkpoint
file can be wrong gives one ValueError that names the file and the reason."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from fa_book.dqn import DQNConfig, NatureQNetwork, QNetwork
from fa_book.dqn_io import build_q_network, load_checkpoint, save_checkpoint, steps_to_stay

SMALL = DQNConfig(hidden=(8,))


def _saved(tmp_path, name="q.pt", config=SMALL):
    net = QNetwork(4, 2, config.hidden, torch.Generator().manual_seed(0))
    return save_checkpoint(tmp_path / name, net, config), net


def _blob(path):
    return torch.load(path, weights_only=True)


def _refused(path, reason: str):
    with pytest.raises(ValueError, match=re.escape(f"checkpoint {path}") + ".*" + reason):
        load_checkpoint(path)


def test_round_trip_keeps_weights_config_and_meta(tmp_path):
    config = DQNConfig(hidden=(8, 4), n_step=3, max_grad_norm=2.0)
    net = QNetwork(4, 2, config.hidden, torch.Generator().manual_seed(1))
    path = save_checkpoint(tmp_path / "deep" / "q.pt", net, config, {"steps": 5})
    loaded, loaded_config = load_checkpoint(path, expected_arch=net.arch)
    s = torch.randn(7, 4, generator=torch.Generator().manual_seed(2))
    assert torch.equal(loaded(s), net(s)) and loaded_config == config
    assert _blob(path)["meta"] == {"steps": 5}
    assert [p.name for p in path.parent.iterdir()] == ["q.pt"]  # no temporary file left
    nature = save_checkpoint(tmp_path / "n.pt", NatureQNetwork(4))
    assert isinstance(load_checkpoint(nature)[0], NatureQNetwork)


def test_missing_file(tmp_path):
    _refused(tmp_path / "nothing.pt", "no such file")
    _refused(tmp_path, "no such file")  # a folder


@settings(max_examples=15, deadline=None)
@given(fraction=st.floats(0.0, 0.99))
def test_truncated_file(tmp_path_factory, fraction):
    path, _ = _saved(tmp_path_factory.mktemp("t"))
    data = path.read_bytes()
    path.write_bytes(data[:int(fraction * len(data))])
    _refused(path, "torch cannot read it")


@settings(max_examples=15, deadline=None)
@given(data=st.binary(min_size=0, max_size=2000))
def test_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("r") / "q.pt"
    path.write_bytes(data)
    _refused(path, "torch cannot read it")


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_corrupted_bytes_in_the_middle(tmp_path_factory, seed):
    """Overwrite a run of 64 bytes with random ones: refused (any reason), or, if the
    bytes hit only tensor data, the loaded weights are finite and of the right shapes."""
    path, net = _saved(tmp_path_factory.mktemp("c"))
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(seed)
    start = int(rng.integers(0, len(data) - 64))
    data[start:start + 64] = rng.integers(0, 256, 64, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    try:
        loaded, _ = load_checkpoint(path)
    except ValueError as err:
        assert str(err).startswith(f"checkpoint {path}: ")
    else:
        for p, q in zip(loaded.parameters(), net.parameters(), strict=True):
            assert p.shape == q.shape and torch.isfinite(p).all()


@pytest.mark.parametrize("thing, reason", [
    (torch.zeros(3), "not an fa_book DQN checkpoint"),
    ([1, 2, 3], "not an fa_book DQN checkpoint"),
    ({"state_dict": {}}, "not an fa_book DQN checkpoint"),
    ({"format": "other/1"}, "not an fa_book DQN checkpoint"),
])
def test_not_a_checkpoint(tmp_path, thing, reason):
    path = tmp_path / "x.pt"
    torch.save(thing, path)
    _refused(path, reason)


@pytest.mark.parametrize("arch, reason", [
    ([4, 2, [8]], "arch must be a dict"),
    ("mlp", "arch must be a dict"),
    (None, "arch must be a dict"),
    ({"kind": "conv"}, "arch\\['kind'\\] must be"),
    ({"kind": "mlp", "n_actions": 2, "hidden": [8]}, "misses the key.*obs_dim"),
    ({"kind": "mlp", "obs_dim": 4, "hidden": [8]}, "misses the key.*n_actions"),
    ({"kind": "mlp", "obs_dim": 4, "n_actions": 2}, "misses the key.*hidden"),
    ({"kind": "mlp", "obs_dim": 4, "n_actions": 2, "hidden": 8}, "hidden.*list"),
    ({"kind": "mlp", "obs_dim": -4, "n_actions": 2, "hidden": [8]}, "obs_dim"),
    ({"kind": "mlp", "obs_dim": 4, "n_actions": 2, "hidden": [0]}, "hidden"),
    ({"kind": "nature"}, "misses the key.*n_actions"),
])
def test_bad_arch(tmp_path, arch, reason):
    path, _ = _saved(tmp_path)
    blob = _blob(path)
    blob["arch"] = arch
    torch.save(blob, path)
    _refused(path, "bad architecture: .*" + reason)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("key", ["net.0.weight", "net.0.bias", "net.2.weight"])
def test_non_finite_weights(tmp_path, key, bad):
    path, _ = _saved(tmp_path)
    blob = _blob(path)
    blob["state_dict"][key].view(-1)[0] = bad
    torch.save(blob, path)
    _refused(path, f"non-finite weights .*{re.escape(key)}")


@pytest.mark.parametrize("edit, reason", [
    (lambda sd: sd.__setitem__("net.0.weight", torch.zeros(9, 4)), "do not fit"),
    (lambda sd: sd.pop("net.2.bias"), "do not fit"),
    (lambda sd: sd.__setitem__("extra", torch.zeros(1)), "do not fit"),
    (lambda sd: sd.__setitem__("net.0.bias", "eight"), "not a dict of tensors"),
])
def test_wrong_weights(tmp_path, edit, reason):
    path, _ = _saved(tmp_path)
    blob = _blob(path)
    edit(blob["state_dict"])
    torch.save(blob, path)
    _refused(path, reason)


def test_state_dict_not_a_dict_and_bad_config(tmp_path):
    path, _ = _saved(tmp_path)
    blob = _blob(path)
    torch.save({**blob, "state_dict": [1, 2]}, path)
    _refused(path, "not a dict of tensors")
    torch.save({**blob, "config": {**blob["config"], "gamma": 2.0}}, path)
    _refused(path, "bad config: gamma")
    torch.save({**blob, "config": {**blob["config"], "colour": "red"}}, path)
    _refused(path, "bad config")


def test_expected_architecture_is_named_with_the_stored_one(tmp_path):
    path, net = _saved(tmp_path)
    with pytest.raises(ValueError, match="holds architecture .* expected"):
        load_checkpoint(path, expected_arch=QNetwork(4, 2, (32,)).arch)


class Payload:
    """A pickle that would run code when loaded without weights_only."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_malicious_pickle_is_refused_and_never_run(tmp_path):
    marker, path = tmp_path / "pwned", tmp_path / "evil.pt"
    buffer = io.BytesIO()
    torch.save({"format": "fa_book.dqn/1", "arch": Payload(marker)}, buffer)
    path.write_bytes(buffer.getvalue())
    _refused(path, "weights-only")
    assert not marker.exists()


def test_save_refuses_what_it_cannot_rebuild(tmp_path):
    with pytest.raises(ValueError, match="q_net"):
        save_checkpoint(tmp_path / "x.pt", torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="config"):
        save_checkpoint(tmp_path / "x.pt", QNetwork(2, 2, (4,)), config={"gamma": 0.9})
    with pytest.raises(ValueError, match="arch must be a dict"):
        build_q_network([1])


def test_steps_to_stay():
    h = [{"step": s, "eval_mean": m} for s, m in
         [(1, 100), (2, 480), (3, 300), (4, 500), (5, 476)]]
    assert steps_to_stay(h, 475) == 4
    assert steps_to_stay(h[:3], 475) is None
    with pytest.raises(ValueError, match="history"):
        steps_to_stay([{"step": 1}])
    with pytest.raises(ValueError, match="threshold"):
        steps_to_stay(h, math.nan)


# --8<-- [start:checkpoint]
def test_checkpoint_round_trip_and_wrong_architecture(tmp_path):
    config = DQNConfig(hidden=(16, 16))
    net = QNetwork(4, 2, config.hidden, torch.Generator().manual_seed(3))
    path = save_checkpoint(tmp_path / "q.pt", net, config)
    loaded, loaded_config = load_checkpoint(path, expected_arch=net.arch)
    s = torch.randn(10, 4, generator=torch.Generator().manual_seed(0))
    assert torch.equal(loaded(s), net(s)) and loaded_config == config
    other = QNetwork(4, 2, (32,))
    with pytest.raises(ValueError, match="architecture"):
        load_checkpoint(path, expected_arch=other.arch)
    with pytest.raises(ValueError, match="architecture"):
        load_checkpoint(save_checkpoint(tmp_path / "n.pt", NatureQNetwork(4)),
                        expected_arch=net.arch)
# --8<-- [end:checkpoint]


def test_checkpoint_with_weights_that_do_not_fit_gets_a_clear_error(tmp_path):
    path = save_checkpoint(tmp_path / "q.pt", QNetwork(4, 2, (8,)))
    blob = torch.load(path, weights_only=True)
    blob["arch"]["hidden"] = [9]  # the stored weights are for 8 units
    torch.save(blob, path)
    with pytest.raises(ValueError, match="do not fit"):
        load_checkpoint(path)
    torch.save({"something": torch.zeros(1)}, path)
    with pytest.raises(ValueError, match="not an fa_book DQN checkpoint"):
        load_checkpoint(path)
