"""Fictional but valid phone numbers and the ways switches and people write them.

North-American numbers use exchange 555 with lines 0101-0199 (0100 is the company's own line);
international ones use ranges set aside for drama (Ofcom, ARCEP, ACMA) that `phonenumbers`
still accepts as valid.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

# Area codes that `phonenumbers` accepts with 555-01XX; the first ones are the provider's home
# markets and fill small populations first.
PREFERRED_AREA_CODES: tuple[int, ...] = (514, 438, 416, 647, 604, 778, 613, 403, 212, 415, 312)
AREA_CODES: tuple[int, ...] = (
    201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219,
    220, 223, 224, 225, 226, 227, 228, 229, 231, 234, 235, 236, 239, 240, 248, 249, 250, 251,
    252, 253, 254, 256, 257, 260, 262, 263, 267, 269, 270, 272, 273, 274, 276, 279, 281, 283,
    289, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 312, 313, 314, 315, 316, 317, 318,
    319, 320, 321, 323, 324, 325, 326, 327, 329, 330, 331, 332, 334, 336, 337, 339, 340, 341,
    343, 346, 347, 350, 351, 352, 353, 354, 360, 361, 363, 364, 365, 367, 368, 369, 380, 382,
    385, 386, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 412, 413, 414, 415, 416, 417,
    418, 419, 423, 424, 425, 428, 430, 431, 432, 434, 435, 437, 438, 440, 442, 443, 445, 447,
    448, 450, 458, 463, 464, 468, 469, 470, 472, 474, 475, 478, 479, 480, 484, 501, 502, 503,
    504, 505, 506, 507, 508, 509, 510, 512, 513, 514, 515, 516, 517, 518, 519, 520, 530, 531,
    539, 540, 541, 548, 551, 557, 559, 561, 562, 563, 564, 567, 570, 571, 572, 573, 574, 575,
    579, 580, 581, 582, 584, 585, 586, 587, 601, 602, 603, 604, 605, 606, 607, 608, 609, 610,
    612, 613, 614, 615, 616, 617, 618, 619, 620, 623, 626, 628, 629, 630, 631, 636, 639, 640,
    641, 645, 646, 647, 650, 651, 656, 657, 658, 659, 660, 661, 662, 667, 669, 670, 671, 672,
    678, 680, 681, 682, 683, 686, 689, 701, 702, 703, 704, 705, 706, 707, 708, 709, 712, 713,
    714, 715, 716, 717, 718, 719, 720, 724, 725, 726, 727, 728, 730, 731, 732, 734, 737, 738,
    740, 742, 743, 747, 748, 753, 754, 757, 760, 762, 763, 765, 769, 770, 771, 772, 773, 774,
    775, 778, 779, 780, 781, 782, 784, 785, 786, 787, 801, 802, 803, 804, 805, 806, 807, 808,
    809, 810, 812, 813, 814, 815, 816, 817, 818, 819, 820, 821, 825, 826, 828, 829, 830, 831,
    832, 835, 838, 839, 840, 843, 845, 847, 848, 849, 850, 854, 856, 857, 858, 859, 860, 862,
    863, 864, 865, 867, 870, 872, 873, 876, 878, 879, 901, 902, 903, 904, 905, 906, 907, 908,
    909, 910, 912, 913, 914, 915, 916, 917, 918, 919, 920, 925, 928, 929, 930, 931, 934, 936,
    937, 938, 939, 940, 941, 942, 943, 945, 947, 948, 949, 951, 952, 954, 956, 959, 970, 971,
    972, 973, 975, 978, 979, 980, 983, 984, 985, 986, 989,
)
NA_LINES = range(101, 200)

# (E.164 prefix, first suffix, last suffix inclusive, suffix width)
INTERNATIONAL_RANGES: tuple[tuple[str, int, int, int], ...] = (
    ("+44207946", 0, 999, 4),  # London 020 7946 0xxx
    ("+44113496", 0, 999, 4),  # Leeds 0113 496 0xxx
    ("+44121496", 0, 999, 4),  # Birmingham
    ("+44131496", 0, 999, 4),  # Edinburgh
    ("+44141496", 0, 999, 4),  # Glasgow
    ("+44161496", 0, 999, 4),  # Manchester
    ("+44289649", 0, 999, 4),  # Belfast 028 9649 6xxx
    ("+331990", 0, 9999, 5),  # Paris 01 99 00 xx xx
    ("+6125550", 0, 9999, 4),  # Sydney 02 5550 xxxx
    ("+61491570", 6, 159, 3),  # Australian mobile 0491 570 006-159
)


def na_pool(area_codes: tuple[int, ...]) -> list[str]:
    """E.164 numbers `+1<area>5550101`..`+1<area>5550199` for the given area codes."""
    return [f"+1{ac}555{line:04d}" for ac in area_codes for line in NA_LINES]


@lru_cache(maxsize=1)
def international_pool() -> tuple[str, ...]:
    """Every E.164 number in the drama ranges above."""
    return tuple(
        f"{prefix}{n:0{width}d}"
        for prefix, first, last, width in INTERNATIONAL_RANGES
        for n in range(first, last + 1)
    )


def is_north_american(e164: str) -> bool:
    return e164.startswith("+1")


def switch_formats(e164: str) -> tuple[str, str, str, str, str]:
    """Five ways a switch writes the number in `src`/`dst`, in a fixed order.

    North America: `+15145550123`, `15145550123`, `5145550123`, `(514) 555-0123`,
    `514-555-0123`. Elsewhere: E.164 and the 011 international prefix, alternating.
    """
    if is_north_american(e164):
        n = e164[2:]
        return (e164, e164[1:], n, f"({n[:3]}) {n[3:6]}-{n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}")
    dialled = "011" + e164[1:]
    return (e164, dialled, e164, dialled, e164)


def dialled_digits(e164: str) -> str:
    """How a trunk dial string carries the number: `15145550123` or `011442079460123`."""
    return e164[1:] if is_north_american(e164) else "011" + e164[1:]


TEXT_STYLES = 8


def text_format(e164: str, style: int) -> str:
    """How a person writes the number in a ticket; `style` in `range(TEXT_STYLES)`."""
    if is_north_american(e164):
        n = e164[2:]
        a, b, c = n[:3], n[3:6], n[6:]
        return (
            f"{a} {b} {c}", f"+1 ({a}) {b}-{c}", f"{a}-{b}-{c}", f"({a}) {b}-{c}",
            f"{a}.{b}.{c}", f"+1 {a} {b} {c}", n, f"1-{a}-{b}-{c}",
        )[style % TEXT_STYLES]
    number = phonenumbers.parse(e164)
    if style % 2:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
