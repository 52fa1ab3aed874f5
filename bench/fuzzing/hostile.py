"""The hostile values the mutations put in: raw YAML text (substituted for a placeholder after
dumping), CSV cells, option values and nesting bombs."""

HUGE = 200_000
HOSTILE = [
    ".inf", "-.inf", ".nan", ".NaN", "1e999", "-1e999", "'1e999'", "1e300", "-1e300",
    "1.7976931348623157e308", "5e-324", "-1", "0", "-0.0", "1e-9", "1e-300", "36000000",
    "1000000000000000000000000000000", "9223372036854775808", "18446744073709551617",
    "-9223372036854775809", "0x7fffffff", "0o777", "1_000_000", "''", "' '", "null", "~",
    "true", "false", "yes", "no", "[]", "{}", "[1, 2]", "{a: 1}", "[.nan]", "!!int x",
    "!!bool maybe", "!!float abc", "!!timestamp 2001-13-45", "!!int 1e3", "!!float ''",
    "!!python/object:os.system {}", "!!python/name:os.system ''",
    "!!python/object/apply:os.system [echo hi]", "!!binary AAAA", "!!set {a, b}",
    "!!omap [a: 1]", "!!str 5", "!custom 5", "!!map [1]", "!!seq {a: 1}", "!!null x",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30:00", "'\\u202e'", "\"\\0\"",
    "\"\\e[31m\"", "*undefined_alias", "&anchor 5", "'" + "x" * HUGE + "'", "1" * 5000,
    "1." + "0" * 5000 + "1", "<<", "=",
]
WRONG_TYPES = ["[]", "{}", "[1, 2]", "{a: 1}", "true", "null", "text", "[[1, 2], [3]]",
               "{x: [1, {y: 2}]}"]
WEIRD_STRINGS = ["", " ", "é", "\u202e", "a" * 300, "1", "x y", "null", "sides", "-", "_a",
                 "a" * 20_000, "日本", "a\tb", "a:b"]
WILD_FACTORS = [1e6, 1e-6, 1e3, 1e-3, 1e12, 1e15, -1, 0, 1e-300, 1e300]
RECORD_HOSTILE = ["inf", "-inf", "nan", "NaN", "Infinity", "1e308", "-1e308", "1e999",
                  "5e-324", "-1", "0", "-0", " ", "1,5", "0x10", "1_000", "\u0661\u0662",
                  "  3  ", "1e-300", "1e300", "abc", "\"\"", "12345678901234567890123456789"]
FLOAT_HOSTILE = ["nan", "inf", "-inf", "-1", "0", "1e300", "1e-300", "-0.0", "1e308"]


def deep(n: int) -> str:
    return "[" * n + "1" + "]" * n


def deep_map(n: int) -> str:
    return "{a: " * n + "1" + "}" * n


def laughs(width: int, depth: int) -> str:
    parts = ["&a0 [" + ", ".join(["lol"] * width) + "]"]
    for k in range(1, depth):
        parts.append(f"&a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]")
    return "[" + ", ".join(parts) + "]"
