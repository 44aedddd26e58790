"""The sources //tools:layering_test reads, one filegroup per package."""

def kamo_layering_sources():
    """Declares `sources`: every .h and .cc file of the package.

    //tools:layering_test reads them and fails on any use of mem/internal
    outside mem/.
    """
    native.filegroup(
        name = "sources",
        srcs = native.glob(["**/*.h", "**/*.cc"]),
        visibility = ["//tools:__pkg__"],
    )
