"""Issue 13: the hotplug tests of test_hotplug.py on 2 and 4 CPUs (same bodies, -smp N)."""

import pytest

import test_hotplug as hp

TESTS = ["test_movable_fill_eject", "test_pinned_eject_fails_then_succeeds", "test_device_del_twice",
         "test_del_during_add", "test_shell_eject", "test_unaligned_dimm"]


@pytest.mark.parametrize("cpus", [2, 4])
@pytest.mark.parametrize("name", TESTS)
def test_hotplug_smp(make_qemu, name, cpus):
    """Run test_hotplug.<name> with every QEMU it starts given -smp cpus."""

    def smp_qemu(cfg=None, **kw):
        return make_qemu(cfg, cpus=cpus, **kw)

    getattr(hp, name)(smp_qemu)


@pytest.mark.parametrize("cpus", [2, 4])
def test_add_remove_smp(make_qemu, cpus):
    """test_hotplug.test_add_remove on q35 + SeaBIOS with -smp cpus."""
    hp.test_add_remove(lambda cfg=None, **kw: make_qemu(cfg, cpus=cpus, **kw), "q35", "bios")
