"""Integer codes every scale shares: kernels see these, names exist only at the edges."""

from __future__ import annotations

# breakpoint kinds
BP_STRENGTH, BP_RATIO, BP_TIME = 0, 1, 2
BP_KINDS = {"strength": BP_STRENGTH, "force_ratio": BP_RATIO, "time": BP_TIME}

# how a shooter's fire is shared among its targets (aggregate fire pairs)
ALLOC_PROPORTIONAL, ALLOC_FIXED, ALLOC_PRIORITY, ALLOC_NONE = 0, 1, 2, 3
ALLOCATIONS = {"proportional": ALLOC_PROPORTIONAL, "fixed": ALLOC_FIXED,
               "priority": ALLOC_PRIORITY}

# what a tactical force is told to do
HOLD, ADVANCE, MOVE, WITHDRAW = 0, 1, 2, 3
MANOEUVRES = {"hold": HOLD, "advance": ADVANCE, "move": MOVE, "withdraw": WITHDRAW}
FLEE = 4  # a member's own manoeuvre (routing): away from the nearest enemy it sees

# how a tactical shooter picks its target
NEAREST, PRIORITY, WEAKEST, RANDOM, AREA = 0, 1, 2, 3, 4
RULES = {"nearest": NEAREST, "priority": PRIORITY, "weakest": WEAKEST, "random": RANDOM,
         "area": AREA}
UNRANKED = 1 << 20

ROLES = ("infantry", "vehicle", "hover", "artillery", "drone", "mech", "monster", "officer",
         "sensor", "operator", "civilian", "commander")
TARGET_CLASSES = ("soft", "armoured", "air", "structure", "monster")

# how a battle ended
END_TIME, END_BROKE, END_MUTUAL = 0, 1, 2
END_REASONS = {END_TIME: "time", END_BROKE: "side_broke", END_MUTUAL: "mutual"}

# the deciding breakpoint, beside breakpoint indices >= 0
DECIDED_BY_NONE, DECIDED_BY_ANNIHILATION = -1, -2

# rows of the per-force ledger (strength = initial + arrived - withdrawn - lost)
ARRIVED, WITHDRAWN, LOST = 0, 1, 2

# rows of the per-force modifiers (1.0 = unmodified; OBEY 1.0 = the force follows orders)
FIRE, MOVEMENT, DETECTION, OBEY = 0, 1, 2, 3
MODIFIERS = {"fire": FIRE, "movement": MOVEMENT, "detection": DETECTION, "obey": OBEY}
