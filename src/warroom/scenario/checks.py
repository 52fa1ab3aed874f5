"""Checks that need the whole scenario (references between sections); each finds all it can.

They return (location, message) pairs; the loader attaches file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import did_you_mean
from ..limits import over
from .bounds import clock_steps
from .civilian_checks import check_civilians
from .command_checks import check_command
from .doctrine_checks import check_doctrine
from .model import Allocation, Law, Scenario, SolverName
from .morale_checks import check_morale

Loc = tuple[str | int, ...]

STOCHASTIC = {SolverName.ctmc, SolverName.tau_leap}


def _unique(ids: list[tuple[Loc, str | None]], what: str) -> Iterator[tuple[Loc, str]]:
    seen: dict[str, Loc] = {}
    for loc, ident in ids:
        if ident is None:
            continue
        if ident in seen:
            kind = f"{what} id" if what else "id"
            yield loc, f"duplicate {kind} '{ident}' (first used at {_dotted(seen[ident])})"
        else:
            seen[ident] = loc


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def check(sc: Scenario) -> list[tuple[Loc, str]]:
    return list(_check(sc))


def _check(sc: Scenario) -> Iterator[tuple[Loc, str]]:
    side_of: dict[str, str] = {}
    forces: dict[str, object] = {}
    ids: list[tuple[Loc, str | None]] = []
    for si, side in enumerate(sc.sides):
        ids.append((("sides", si, "id"), side.id))
        if not side.forces:
            yield ("sides", si, "forces"), f"side '{side.id}' has no forces; give at least one"
        for fi, f in enumerate(side.forces):
            ids.append((("sides", si, "forces", fi, "id"), f.id))
            side_of.setdefault(f.id, side.id)
            forces.setdefault(f.id, f)
            for group in ("reinforcements", "withdrawals"):
                for ti, t in enumerate(getattr(f, group)):
                    loc = ("sides", si, "forces", fi, group, ti)
                    ids.append((loc + ("id",), t.id))
                    if t.t_from < sc.clock.start or t.t_to > sc.clock.end:
                        yield loc, (
                            f"transfer time {t.t_from:g}..{t.t_to:g} lies outside the clock "
                            f"{sc.clock.start:g}..{sc.clock.end:g}"
                        )
        for bi, bp in enumerate(side.breakpoints):
            ids.append((("sides", si, "breakpoints", bi, "id"), bp.id))
            if bp.kind == "time" and not sc.clock.start <= bp.at <= sc.clock.end:
                yield ("sides", si, "breakpoints", bi, "at"), (
                    f"expected a time within the clock {sc.clock.start:g}..{sc.clock.end:g}, "
                    f"found {bp.at:g}"
                )
    for ei, e in enumerate(sc.engagements):
        ids.append((("engagements", ei, "id"), e.id))
    yield from _unique(ids, "")

    solvers = {e.solver_name for e in sc.engagements}
    if len(solvers) > 1:
        names = ", ".join(sorted(s.value for s in solvers))
        yield ("engagements",), (
            f"engagements use different solvers ({names}); concurrent engagements are "
            "integrated together, so give them one solver"
        )
    force_ids = list(forces)
    for ei, e in enumerate(sc.engagements):
        yield from _check_engagement(sc, ei, e, side_of, force_ids)
    if solvers & STOCHASTIC:
        yield from _whole_numbers(sc)
    if sc.morale is not None:
        yield from check_morale(sc.morale, force_ids, side_of, [s.id for s in sc.sides],
                                (sc.clock.start, sc.clock.end))
        if SolverName.closed_form in solvers:
            yield ("engagements", 0, "solver"), ("solver 'closed_form' cannot follow morale "
                                                 "(it changes the fight as it goes): use ode")
    yield from _places(sc, force_ids)
    if sc.doctrine is not None:
        yield from check_doctrine(sc.doctrine, {s.id: [f.id for f in s.forces] for s in sc.sides},
                                  None if sc.places is None else set(sc.places.start), False)
    if sc.command is not None:
        yield from check_command(sc.command, {s.id: [f.id for f in s.forces] for s in sc.sides},
                                 (sc.clock.start, sc.clock.end))
    yield from check_civilians(sc.sides, sc.morale, [
        (("engagements", ei, "fire", fi, "shooter"), f.shooter)
        for ei, e in enumerate(sc.engagements) for fi, f in enumerate(e.fire)] + [
        (("engagements", ei, "fleets", fi, "force"), fl.force)
        for ei, e in enumerate(sc.engagements) for fi, fl in enumerate(e.fleets)])
    yield from _work(sc, solvers)


def _work(sc: Scenario, solvers: set[SolverName]) -> Iterator[tuple[Loc, str]]:
    """Refuse, before any work, a run whose size would exhaust memory or time."""
    msg = over("points", clock_steps(sc.clock) + 1, "the number of recorded points "
               "(clock span / step + 1)")
    if msg:
        yield ("clock", "step"), msg
    for ei, e in enumerate(sc.engagements):
        if e.interval is not None:
            msg = over("points", clock_steps(sc.clock, e.interval), "the number of salvos "
                       "(clock span / interval)")
            if msg:
                yield ("engagements", ei, "interval"), msg
    transfers = [t for s in sc.sides for f in s.forces for t in f.reinforcements + f.withdrawals]
    stops = 2 * len(transfers) + 2 * len(sc.engagements) + sum(len(s.breakpoints)
                                                             for s in sc.sides)
    msg = over("stops", stops, "the number of scheduled stops (transfers, engagement "
               "openings and closings, breakpoints)")
    if msg:
        yield ("sides",), msg
    if SolverName.ctmc in solvers:
        # one event per unit lost or arriving: each unit present or arriving is at most two
        units = sum(f.strength for s in sc.sides for f in s.forces)
        units += sum(t.total for s in sc.sides for f in s.forces for t in f.reinforcements)
        msg = over("events", 2 * units, "the number of events the ctmc solver may draw (two "
                   "per unit present or arriving)")
        if msg:
            yield ("engagements", 0, "solver"), msg + "; or use solver: tau_leap"


def _check_engagement(sc, ei, e, side_of, force_ids) -> Iterator[tuple[Loc, str]]:
    base: Loc = ("engagements", ei)
    solver = e.solver_name
    if (e.law is Law.salvo) != (solver is SolverName.salvo):
        yield base + ("solver",), (
            f"law '{e.law.value}' cannot use solver '{solver.value}'; the salvo law takes the "
            "salvo solver and the Lanchester laws take ode, closed_form, ctmc or tau_leap"
        )
    for key, t in (("start", e.start), ("end", e.end)):
        if t is not None and not sc.clock.start <= t <= sc.clock.end:
            yield base + (key,), f"expected a time within the clock, found {t:g}"
    if e.start is not None and e.end is not None and e.end <= e.start:
        yield base + ("end",), f"engagement end ({e.end:g}) must be after its start ({e.start:g})"
    if e.law is Law.exponents and (e.p is None or e.q is None):
        yield base, "law 'exponents' needs both `p` (target exponent) and `q` (shooter exponent)"
    if e.law is not Law.exponents and (e.p is not None or e.q is not None):
        yield base + ("p" if e.p is not None else "q",), "`p` and `q` belong to law 'exponents'"
    if e.law is Law.mixed and e.area_fire_by is None:
        yield base, "law 'mixed' needs `area_fire_by`: the side whose fire is area fire"
    if e.law is not Law.mixed and e.area_fire_by is not None:
        yield base + ("area_fire_by",), "`area_fire_by` belongs to law 'mixed'"
    if e.law is not Law.salvo and e.interval is not None:
        yield base + ("interval",), "`interval` belongs to law 'salvo'"
    sides = sorted({s.id for s in sc.sides})
    if e.area_fire_by is not None and e.area_fire_by not in sides:
        yield base + ("area_fire_by",), (
            f"unknown side '{e.area_fire_by}'{did_you_mean(e.area_fire_by, sides)}"
        )
    engaged: set[str] = set()
    civil = {s.id for s in sc.sides if s.civilian}
    for fi, f in enumerate(e.fire):
        for key in ("shooter", "target"):
            ref = getattr(f, key)
            if ref not in side_of:
                yield base + ("fire", fi, key), (
                    f"unknown force '{ref}'{did_you_mean(ref, force_ids)}"
                )
        if e.law is Law.salvo and side_of.get(f.target) in civil:
            yield base + ("fire", fi, "target"), ("salvo fire is aimed at fleets: harm to "
                                                  "civilians needs a continuous law")
        if f.shooter in side_of and f.target in side_of:
            # fire on civilians is harm, not a third side in the engagement
            engaged |= {side_of[f.shooter], side_of[f.target]} - civil
            if side_of[f.shooter] == side_of[f.target]:
                yield base + ("fire", fi), (
                    f"'{f.shooter}' and '{f.target}' are both on side "
                    f"'{side_of[f.shooter]}'; fire goes between opposing sides"
                )
        if e.allocation is Allocation.fixed and f.share is None:
            yield base + ("fire", fi), "allocation 'fixed' needs a `share` on every fire entry"
        if e.allocation is Allocation.priority and f.priority is None:
            yield base + ("fire", fi), "allocation 'priority' needs a `priority` on every entry"
        if e.law is not Law.salvo and f.rate == 0 and "rate" not in f.model_fields_set:
            yield base + ("fire", fi), "expected a `rate` (kill rate per shooter)"
    if e.law is Law.salvo:
        if not e.fleets:
            yield base + ("fleets",), "law 'salvo' needs `fleets`: one entry per force of ships"
        for fi, fl in enumerate(e.fleets):
            if fl.force not in side_of:
                yield base + ("fleets", fi, "force"), (
                    f"unknown force '{fl.force}'{did_you_mean(fl.force, force_ids)}"
                )
        fleet_sides = {side_of[fl.force] for fl in e.fleets if fl.force in side_of}
        if e.fleets and len(fleet_sides) < 2:
            yield base + ("fleets",), "a salvo exchange needs fleets on at least two sides"
    elif not e.fire:
        yield base + ("fire",), "expected at least one `fire` entry (shooter, target, rate)"
    elif len(engaged) > 2:
        yield base + ("fire",), (
            f"an engagement is between two sides, found {len(engaged)}: {sorted(engaged)}"
        )
    if e.law is Law.mixed and e.area_fire_by is not None and engaged and (
        e.area_fire_by not in engaged
    ):
        yield base + ("area_fire_by",), f"side '{e.area_fire_by}' does not fire in this engagement"
    if solver is SolverName.closed_form:
        yield from _closed_form_fits(sc, base, e)


def _closed_form_fits(sc, base, e) -> Iterator[tuple[Loc, str]]:
    why = []
    if e.law not in (Law.square, Law.linear, Law.logarithmic):
        why.append(f"law '{e.law.value}' has no closed form here")
    if len(sc.engagements) != 1:
        why.append("there is more than one engagement")
    if e.start is not None or e.end is not None:
        why.append("the engagement has its own start or end")
    if any(len(s.forces) != 1 for s in sc.sides) or len(sc.sides) != 2:
        why.append("closed forms need two sides of one force each")
    if any(f.reinforcements or f.withdrawals for s in sc.sides for f in s.forces):
        why.append("forces have reinforcements or withdrawals")
    if len(e.fire) != 2:
        why.append("closed forms need exactly two fire entries (each side on the other)")
    if why:
        yield base + ("solver",), (
            "solver 'closed_form' does not apply: " + "; ".join(why) + " (use solver: ode)"
        )


def _whole_numbers(sc: Scenario) -> Iterator[tuple[Loc, str]]:
    for si, side in enumerate(sc.sides):
        for fi, f in enumerate(side.forces):
            loc = ("sides", si, "forces", fi)
            if f.strength != int(f.strength):
                yield loc + ("strength",), (
                    f"stochastic solvers count whole units; expected a whole number, "
                    f"found {f.strength:g}"
                )
            for group in ("reinforcements", "withdrawals"):
                for ti, t in enumerate(getattr(f, group)):
                    if abs(t.total - round(t.total)) > 1e-9:
                        yield loc + (group, ti), (
                            f"stochastic solvers count whole units; this transfer totals "
                            f"{t.total:g}"
                        )


def _places(sc: Scenario, force_ids: list[str]) -> Iterator[tuple[Loc, str]]:
    """Engagements `at` a place need `places`; each place and force named exists, and every
    force that fires at a place starts somewhere."""
    pl = sc.places
    ids = [] if pl is None else pl.ids
    for ei, e in enumerate(sc.engagements):
        if e.at is None:
            continue
        if pl is None:
            yield ("engagements", ei, "at"), "an engagement `at` a place needs a `places` section"
            continue
        if e.at not in ids:
            yield ("engagements", ei, "at"), f"unknown place '{e.at}'{did_you_mean(e.at, ids)}"
        if e.start is not None or e.end is not None:
            yield ("engagements", ei, "at"), ("an engagement at a place is open while its forces "
                                              "are there: remove `start` and `end`")
        for fi, fire in enumerate(e.fire):
            for key in ("shooter", "target"):
                name = getattr(fire, key)
                if name in force_ids and name not in pl.start:
                    yield ("engagements", ei, "fire", fi, key), (
                        f"force '{name}' fires at place '{e.at}' but has no place in "
                        "places.start")
    if pl is None:
        return
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        yield ("places", "ids"), f"duplicate place '{dup}'"
    for fid, where in pl.start.items():
        if fid not in force_ids:
            yield ("places", "start", fid), (f"unknown force '{fid}'"
                                             f"{did_you_mean(fid, force_ids)}")
        if where not in ids:
            yield ("places", "start", fid), (f"unknown place '{where}'"
                                             f"{did_you_mean(where, ids)}")
    for k, leg in enumerate(pl.legs):
        for j, where in enumerate(leg.between):
            if where not in ids:
                yield ("places", "legs", k, "between", j), (
                    f"unknown place '{where}'{did_you_mean(where, ids)}")
