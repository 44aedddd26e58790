"""A cc_test run twice: as written, and under stress mode."""

load("//bazel:copts.bzl", "kamo_test_library")

# Stress mode collects before every allocation (see mem/mutator.h); the
# long-chain tests shorten their chains, which would otherwise take
# quadratic time.
STRESS_ENV = {
    "KAMO_MEM_STRESS": "1",
    "KAMO_STRESS_CHAIN_LENGTH": "2000",
}

def kamo_cc_test(name, srcs, deps, size = "small", **kwargs):
    """Defines `name` and `name_stress`, the same test with KAMO_MEM_STRESS=1.

    The sources are compiled once, into `name_lib` (alwayslink, so that
    every TEST registers), and linked into both tests.

    Args:
      name: the test's name.
      srcs: its sources.
      deps: its dependencies.
      size: the Bazel test size of both.
      **kwargs: passed to both cc_test rules.
    """
    kamo_test_library(name = name + "_lib", srcs = srcs, deps = deps)
    for suffix, env in [("", {}), ("_stress", STRESS_ENV)]:
        native.cc_test(
            name = name + suffix,
            size = size,
            deps = [":" + name + "_lib"],
            env = env,
            **kwargs
        )
