"""A cc_test run four times: as written, under stress mode, and under
stress mode in a full (not generational) heap and in an incremental one."""

load("//bazel:copts.bzl", "kamo_test_library")

# Stress mode collects before every allocation (see mem/mutator.h); the
# long-chain tests shorten their chains, which would otherwise take
# quadratic time.
STRESS_ENV = {
    "KAMO_MEM_STRESS": "1",
    "KAMO_STRESS_CHAIN_LENGTH": "2000",
}

# The same, with every Mutator that leaves its mode unset in the full mode
# (mem/mutator.h's CollectionMode), not the default generational one: every
# stress collection then marks the whole heap.
FULL_STRESS_ENV = dict(STRESS_ENV, KAMO_MEM_MODE = "full")

# The same in the incremental mode: every stress point is a step of an
# incremental collection's marking (or its start or finish), and debug
# builds check the tri-color invariant after each step.
INCREMENTAL_STRESS_ENV = dict(STRESS_ENV, KAMO_MEM_MODE = "incremental")

def kamo_cc_test(name, srcs, deps, size = "small", **kwargs):
    """Defines `name`, and `name_stress`, `name_full` and
    `name_incremental`: the same test under STRESS_ENV, FULL_STRESS_ENV and
    INCREMENTAL_STRESS_ENV.

    The sources are compiled once, into `name_lib` (alwayslink, so that
    every TEST registers), and linked into the four tests.

    Args:
      name: the test's name.
      srcs: its sources.
      deps: its dependencies.
      size: the Bazel test size of each.
      **kwargs: passed to each cc_test rule.
    """
    kamo_test_library(name = name + "_lib", srcs = srcs, deps = deps)
    for suffix, env in [
        ("", {}),
        ("_stress", STRESS_ENV),
        ("_full", FULL_STRESS_ENV),
        ("_incremental", INCREMENTAL_STRESS_ENV),
    ]:
        native.cc_test(
            name = name + suffix,
            size = size,
            deps = [":" + name + "_lib"],
            env = env,
            **kwargs
        )
