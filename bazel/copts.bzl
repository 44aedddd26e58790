"""Compiler options for the project's own code (not for third_party)."""

KAMO_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Wshadow",
    "-Wnon-virtual-dtor",
    "-Werror",
    # Objects are position-independent (.bazelrc's --force_pic); no symbol
    # of ours is interposed, so calls within a file may be inlined.
    "-fno-semantic-interposition",
]

def kamo_test_library(name, srcs, deps):
    """A testonly library of `srcs` whose every object is linked (alwayslink).

    For code that registers itself from static initializers (gtest's TEST,
    LLVMFuzzerTestOneInput) and is linked into more than one binary, so that
    it is compiled once.

    Args:
      name: the library's name.
      srcs: its sources.
      deps: what they use.
    """
    native.cc_library(
        name = name,
        testonly = True,
        srcs = srcs,
        copts = KAMO_COPTS,
        deps = deps,
        alwayslink = True,
    )
