"""Compiler options for the project's own code (not for third_party)."""

KAMO_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Wshadow",
    "-Wnon-virtual-dtor",
    "-Werror",
]
