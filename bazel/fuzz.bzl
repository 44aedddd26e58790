"""kamo_fuzz_target: a libFuzzer target, its binary and its replay test."""

load("//bazel:copts.bzl", "kamo_test_library")

def kamo_fuzz_target(name, srcs, deps = []):
    """Declares the targets of one fuzzer.

    <name>_lib           the LLVMFuzzerTestOneInput implementation
    <name>               the fuzzer: a real libFuzzer binary under
                         --config=fuzz, else a replay driver over files
    <name>_replay_test   replays every file in corpus/<name>/ (seeds and
                         crash regressions) with the ordinary compiler

    Args:
      name: target name; its corpus is corpus/<name>/, its dictionary
        <name>.dict if there is one.
      srcs: the sources defining LLVMFuzzerTestOneInput.
      deps: libraries they use.
    """
    kamo_test_library(name = name + "_lib", srcs = srcs, deps = deps)
    native.cc_binary(
        name = name,
        testonly = True,
        linkopts = select({
            "//fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = [":" + name + "_lib"] + select({
            "//fuzz:libfuzzer": [],
            "//conditions:default": ["//fuzz:replay_main"],
        }),
    )
    native.cc_test(
        name = name + "_replay_test",
        size = "small",
        args = ["fuzz/corpus/" + name],
        data = native.glob(["corpus/" + name + "/**"]),
        deps = [
            ":" + name + "_lib",
            "//fuzz:replay_main",
        ],
    )
