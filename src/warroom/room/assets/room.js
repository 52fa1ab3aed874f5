'use strict';
// The war room's page: reads the folder's Parquet files (fetched when served, embedded when
// exported) and replays them. `window.warroom` is the page's state, for users' scripts and
// the tests: ready, error, ticks (times), tick (the index shown), seek(i), play(), pause(),
// view (truth, or the side whose belief is drawn), show(view), drawn (glyphs last drawn),
// front (edges of the front line drawn), moods (morale states drawn apart), markers (events
// marked on the map at the tick shown), dead (the fallen drawn at the tick shown), held (a campaign's worlds per holder at the tick),
// counts() (entities per side and type at the tick shown).
(function () {
  const config = JSON.parse(document.getElementById('room-config').textContent);
  const $ = (id) => document.getElementById(id);
  const room = (window.warroom = { ready: false, error: null, ticks: [], tick: 0, frames: 0 });
  const COLORS = ['#1f5fbf', '#c0392b', '#2e8b57', '#8e44ad', '#d35400', '#16a085', '#7f8c8d'];
  // a type's glyph on the map: which cells of a 5 x 5 stamp it fills
  const GLYPHS = [
    [[-1, -1], [0, -1], [1, -1], [-1, 0], [0, 0], [1, 0], [-1, 1], [0, 1], [1, 1]], // square
    [[0, -2], [0, -1], [-2, 0], [-1, 0], [0, 0], [1, 0], [2, 0], [0, 1], [0, 2]], // plus
    [[-2, -2], [-1, -1], [2, -2], [1, -1], [0, 0], [-1, 1], [-2, 2], [1, 1], [2, 2]], // cross
    [[0, -2], [-1, -1], [1, -1], [-2, 0], [2, 0], [-1, 1], [1, 1], [0, 2], [0, 0]], // diamond
    [[-1, -1], [1, -1], [0, 0], [-1, 1], [1, 1], [0, -1], [0, 1]], // hourglass
  ];
  document.getElementById('title').textContent = config.title;
  const status = $('status');

  function bytesOf(name) {
    if (config.embedded) {
      const el = document.querySelector(`script[data-file="${CSS.escape(name)}"]`);
      const bin = atob(el.textContent.trim());
      const out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return Promise.resolve(out.buffer);
    }
    return fetch('files/' + encodeURIComponent(name)).then((r) => {
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
      return r.arrayBuffer();
    });
  }

  async function rows(name, columns) {
    const file = await bytesOf(name);
    // the columns asked for that the file has (an older run's may lack some)
    const have = new Set(hyparquet.parquetMetadata(file).schema.map((c) => c.name));
    return hyparquet.parquetReadObjects({ file, columns: columns.filter((c) => have.has(c)),
                                          compressors: hyparquet.compressors });
  }

  function codes(values) {
    // strings to small integers, in order of first appearance
    const names = [];
    const index = new Map();
    const out = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) {
      let k = index.get(values[i]);
      if (k === undefined) { k = names.length; names.push(values[i]); index.set(values[i], k); }
      out[i] = k;
    }
    return { names, out };
  }

  // the replay: entities at each tick, columns of typed arrays
  // morale states drawn in their own colour, not their side's (a defector is drawn in the
  // colour of the side it joined)
  const MOODS = ['refusing', 'routing', 'surrendered'];
  const MOOD_COLOURS = ['#8e44ad', '#e67e22', '#7f8c8d'];

  function replay(snap, sideNames) {
    const n = snap.length;
    const x = new Float32Array(n), y = new Float32Array(n), st = new Uint8Array(n);
    const t = new Float64Array(n), decoy = new Uint8Array(n), mood = new Uint8Array(n);
    let top = 0;
    for (let i = 0; i < n; i++) {
      const r = snap[i];
      x[i] = r.x; y[i] = r.y; st[i] = r.status; t[i] = r.t; decoy[i] = r.decoy ? 1 : 0;
      mood[i] = MOODS.indexOf(r.morale) + 1; // 0: fighting as its side
      if (r.entity !== undefined) top = Math.max(top, Number(r.entity));
    }
    const side = codes(snap.map((r) => r.side));
    const type = codes(snap.map((r) => r.type));
    const force = codes(snap.map((r) => r.force ?? ''));
    // each entity's side, type and whether it is a decoy (for a side's picture of it)
    const entSide = new Uint16Array(top + 1), entType = new Uint16Array(top + 1);
    const entDecoy = new Uint8Array(top + 1);
    for (let i = 0; i < n; i++) {
      const e = Number(snap[i].entity ?? 0);
      entSide[e] = side.out[i]; entType[e] = type.out[i]; entDecoy[e] = decoy[i];
    }
    const starts = [];
    for (let i = 0; i < n; i++) if (i === 0 || t[i] !== t[i - 1]) starts.push(i);
    starts.push(n);
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      if (x[i] < x0) x0 = x[i]; if (x[i] > x1) x1 = x[i];
      if (y[i] < y0) y0 = y[i]; if (y[i] > y1) y1 = y[i];
    }
    const colour = side.names.map((s) => {
      const k = sideNames.indexOf(s);
      return COLORS[(k < 0 ? side.names.indexOf(s) : k) % COLORS.length];
    });
    return { x, y, st, side, type, starts, times: starts.slice(0, -1).map((i) => t[i]),
             box: [x0, x1, y0, y1], colour, decoy, entSide, entType, entDecoy, mood, force };
  }

  function rgba(hex, dim) {
    const v = parseInt(hex.slice(1), 16);
    const f = dim ? 0.45 : 1;
    const r = Math.round(((v >> 16) & 255) * f + (dim ? 140 : 0));
    const g = Math.round(((v >> 8) & 255) * f + (dim ? 140 : 0));
    const b = Math.round((v & 255) * f + (dim ? 140 : 0));
    return (255 << 24) | (b << 16) | (g << 8) | r; // little-endian ABGR
  }

  const GROUND = { open: '#e8e4d0', road: '#b9b3a8', dune: '#eadaa8', canyon: '#c9a27e',
                   cliff: '#8d8172', ridge: '#c4b28e', urban: '#a99d95', water: '#9ec9e8',
                   forest: '#9dbf8a', swamp: '#a9baa0' };
  function groundColour(name) {
    if (GROUND[name]) return GROUND[name];
    let h = 0;
    for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return `#${(0x808080 + (h & 0x3f3f3f)).toString(16).padStart(6, '0')}`;
  }

  // the terrain table (every k-th cell of the map): its grid, classes and elevation
  function terrainOf(rowsOf) {
    let GW = 0, GH = 0;
    for (const r of rowsOf) { GW = Math.max(GW, r.col + 1); GH = Math.max(GH, r.row + 1); }
    const cls = codes(rowsOf.map((r) => r.terrain));
    const klass = new Uint16Array(GW * GH), elev = new Float32Array(GW * GH);
    rowsOf.forEach((r, i) => { klass[r.row * GW + r.col] = cls.out[i]; elev[r.row * GW + r.col] = r.elevation; });
    return { GW, GH, cell: rowsOf.length ? rowsOf[0].cell : 1, names: cls.names, klass, elev };
  }

  // each cell in its class's colour, lit from the north-west by its slope
  function paintTerrain(land, out, W, H, X, Y, scale) {
    const { GW, GH, cell, klass, elev } = land;
    const base = land.names.map((n) => parseInt(groundColour(n).slice(1), 16));
    for (let r = 0; r < GH; r++) for (let c = 0; c < GW; c++) {
      const e = (rr, cc) => elev[Math.min(GH - 1, Math.max(0, rr)) * GW + Math.min(GW - 1, Math.max(0, cc))];
      const dx = (e(r, c + 1) - e(r, c - 1)) / (2 * cell), dy = (e(r + 1, c) - e(r - 1, c)) / (2 * cell);
      const light = Math.min(1.2, Math.max(0.7, 1 + 1.5 * (dy - dx)));
      const v = base[klass[r * GW + c]];
      const R = Math.min(255, ((v >> 16) & 255) * light), G = Math.min(255, ((v >> 8) & 255) * light);
      const B = Math.min(255, (v & 255) * light);
      const colour = (255 << 24) | (Math.round(B) << 16) | (Math.round(G) << 8) | Math.round(R);
      const xa = Math.floor(X(c * cell)), xb = Math.ceil(X((c + 1) * cell));
      const ya = Math.floor(Y((r + 1) * cell)), yb = Math.ceil(Y(r * cell));
      for (let y = Math.max(0, ya); y < Math.min(H, yb); y++) {
        out.fill(colour, y * W + Math.max(0, xa), y * W + Math.min(W, xb));
      }
    }
  }

  // a campaign's theater: its worlds, lanes, and who held each world when
  function theaterOf(worlds, lanes, changes) {
    const index = new Map(worlds.map((w, i) => [w.world, i]));
    const wx = Float32Array.from(worlds, (w) => w.x), wy = Float32Array.from(worlds, (w) => w.y);
    const start = worlds.map((w) => w.owner_at_start);
    const ch = changes.map((c) => [Number(c.t), index.get(c.world), c.owner, c.destroyed])
      .sort((a, b) => a[0] - b[0]);
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < wx.length; i++) {
      x0 = Math.min(x0, wx[i]); x1 = Math.max(x1, wx[i]);
      y0 = Math.min(y0, wy[i]); y1 = Math.max(y1, wy[i]);
    }
    return {
      wx, wy, index, box: [x0, x1, y0, y1],
      lanes: lanes.map((l) => [index.get(l.a), index.get(l.b)]),
      at(t) { // each world's owner (a side's name, or 'nobody') and whether laid waste, at t
        const owner = start.slice(), razed = new Uint8Array(wx.length);
        for (const [tc, w, o, d] of ch) {
          if (tc > t) break;
          owner[w] = o; razed[w] = d ? 1 : 0;
        }
        return { owner, razed };
      },
    };
  }

  // where the events since the tick before happened: a force's events at its entities'
  // centre (at this tick, or the one before if none is left), a campaign's battles at their
  // worlds
  function eventPlaces(rp, events, theater, battles) {
    const subjects = events.map((e) => [Number(e.t), rp.force.names.indexOf(e.subject)])
      .filter(([, f]) => f >= 0);
    function centre(k, f) {
      let sx = 0, sy = 0, n = 0;
      for (let i = rp.starts[k]; i < rp.starts[k + 1]; i++) {
        if (rp.force.out[i] === f) { sx += rp.x[i]; sy += rp.y[i]; n += 1; }
      }
      return n ? [sx / n, sy / n] : null;
    }
    return function places(k) {
      const lo = k > 0 ? rp.times[k - 1] : -Infinity, hi = rp.times[k];
      const out = [];
      for (const [t, f] of subjects) {
        if (t > lo && t <= hi) {
          const c = centre(k, f) || (k > 0 ? centre(k - 1, f) : null);
          if (c) out.push(c);
        }
      }
      if (theater) {
        for (const [t, w] of battles) if (t > lo && t <= hi) out.push([theater.wx[w], theater.wy[w]]);
      }
      return out;
    };
  }

  function mapView(rp, pics, land, theater, places, deaths) {
    const canvas = $('map');
    const ctx = canvas.getContext('2d');
    const W = canvas.width, H = canvas.height;
    const img = ctx.createImageData(W, H);
    const px = new Uint32Array(img.data.buffer);
    const ring = rgba('#000000', false);
    // the map's own extent where the run kept its terrain, else the entities'
    const [x0, x1, y0, y1] = land ? [0, land.GW * land.cell, 0, land.GH * land.cell] : rp.box;
    const pad = 6;
    const scale = Math.min((W - 2 * pad) / Math.max(x1 - x0, 1e-9),
                           (H - 2 * pad) / Math.max(y1 - y0, 1e-9));
    // centred in the canvas
    const ox = (W - 2 * pad - (x1 - x0) * scale) / 2, oy = (H - 2 * pad - (y1 - y0) * scale) / 2;
    const full = rp.colour.map((c) => rgba(c, false));
    const dim = rp.colour.map((c) => rgba(c, true));
    const moodColour = MOOD_COLOURS.map((c) => rgba(c, false));
    const mark = rgba('#b00020', false);
    const MARK = [];
    for (let a = 0; a < 24; a++) {
      MARK.push([Math.round(6 * Math.cos((a * Math.PI) / 12)), Math.round(6 * Math.sin((a * Math.PI) / 12))]);
    }
    const RING = [[-3, -3], [-3, 3], [3, -3], [3, 3], [0, -3], [0, 3], [-3, 0], [3, 0]];
    const ground = new Uint32Array(W * H).fill(rgba('#f4f1e8', false));
    if (land) paintTerrain(land, ground, W, H, (x) => pad + ox + (x - x0) * scale,
                           (y) => H - pad - oy - (y - y0) * scale, scale);
    const PX = (x) => Math.round(pad + ox + (x - x0) * scale);
    const PY = (y) => Math.round(H - pad - oy - (y - y0) * scale);
    if (theater) { // the lanes, faint, under everything
      const lane = rgba('#d8d2c2', false);
      for (const [a, b] of theater.lanes) {
        const ax = PX(theater.wx[a]), ay = PY(theater.wy[a]);
        const bx = PX(theater.wx[b]), by = PY(theater.wy[b]);
        const n = Math.max(Math.abs(bx - ax), Math.abs(by - ay), 1);
        for (let j = 0; j <= n; j++) {
          const qx = Math.round(ax + ((bx - ax) * j) / n), qy = Math.round(ay + ((by - ay) * j) / n);
          if (qx >= 0 && qx < W && qy >= 0 && qy < H) ground[qy * W + qx] = lane;
        }
      }
    }
    const held = rp.colour.map((c) => rgba(c, true));
    function worlds(t) { // each world a dot in its holder's colour, laid waste dark
      const { owner, razed } = theater.at(t);
      room.held = {};
      owner.forEach((o, w) => { const key = razed[w] ? 'laid waste' : o; room.held[key] = (room.held[key] || 0) + 1; });
      const waste = rgba('#333333', false), nobody = rgba('#b0aa9c', false);
      for (let w = 0; w < theater.wx.length; w++) {
        const k = rp.side.names.indexOf(owner[w]);
        const c = razed[w] ? waste : k >= 0 ? held[k] : nobody;
        const qx = PX(theater.wx[w]), qy = PY(theater.wy[w]);
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
          if (qx + dx < W && qy + dy < H) px[(qy + dy) * W + qx + dx] = c;
        }
      }
    }
    let drawn = 0;
    function stamp(x, y, c, g) {
      const cx = Math.round(pad + ox + (x - x0) * scale);
      const cy = Math.round(H - pad - oy - (y - y0) * scale);
      for (let j = 0; j < g.length; j++) {
        const qx = cx + g[j][0], qy = cy + g[j][1];
        if (qx >= 0 && qx < W && qy >= 0 && qy < H) px[qy * W + qx] = c;
      }
      drawn += 1;
    }
    function truth(k, only, pale) {
      for (let i = rp.starts[k]; i < rp.starts[k + 1]; i++) {
        const s = rp.side.out[i];
        if (only >= 0 && (s === only) !== (pale === false)) continue;
        // immobilised (status 2 or 4) drawn pale: it can no longer move
        const faded = pale || rp.st[i] === 2 || rp.st[i] === 4;
        const c = rp.mood[i] && !pale ? moodColour[rp.mood[i] - 1] : (faded ? dim : full)[s];
        stamp(rp.x[i], rp.y[i], c, GLYPHS[rp.type.out[i] % GLYPHS.length]);
        if (rp.decoy[i] && !pale) stamp(rp.x[i], rp.y[i], ring, RING);
      }
    }
    // side `s`'s belief at tick k: its own entities as they were, the enemy as they were
    // (pale) and as it believed (its newest picture at or before the tick; a believed
    // decoy is ringed: the side did not know)
    function belief(k, s) {
      const own = rp.side.names.indexOf(s);
      truth(k, own, false);
      truth(k, own, true);
      const p = pics.latest(s, rp.times[k]);
      if (!p) return;
      for (let i = p[0]; i < p[1]; i++) {
        const e = pics.entity[i];
        const es = rp.entSide[e], et = rp.entType[e];
        stamp(pics.x[i], pics.y[i], full[es], GLYPHS[et % GLYPHS.length]);
        if (rp.entDecoy[e]) stamp(pics.x[i], pics.y[i], ring, RING);
      }
    }
    // the front line: the boundary between the areas each side controls, a cell of CELL
    // pixels belonging to the side nearest to it (the side with most entities in the cells
    // holding any, spread outwards breadth first, then smoothed by a 3 x 3 majority)
    const CELL = 8, GW = Math.ceil(W / CELL), GH = Math.ceil(H / CELL), NC = GW * GH;
    const S = rp.side.names.length;
    const count = new Int32Array(NC * S), owner = new Int16Array(NC), next = new Int16Array(NC);
    const queue = new Int32Array(NC);
    const line = rgba('#333333', false);
    function front(k) {
      if (S < 2) return 0;
      count.fill(0);
      owner.fill(-1);
      for (let i = rp.starts[k]; i < rp.starts[k + 1]; i++) {
        if (rp.decoy[i]) continue;
        const gx = Math.floor((pad + ox + (rp.x[i] - x0) * scale) / CELL);
        const gy = Math.floor((H - pad - oy - (rp.y[i] - y0) * scale) / CELL);
        if (gx >= 0 && gx < GW && gy >= 0 && gy < GH) count[(gy * GW + gx) * S + rp.side.out[i]] += 1;
      }
      let head = 0, tail = 0;
      const present = new Set();
      for (let c = 0; c < NC; c++) {
        let best = -1, v = 0;
        for (let s = 0; s < S; s++) if (count[c * S + s] > v) { v = count[c * S + s]; best = s; }
        if (best >= 0) { owner[c] = best; queue[tail++] = c; present.add(best); }
      }
      if (present.size < 2) return 0;
      while (head < tail) {
        const c = queue[head++], x = c % GW, y = (c - x) / GW;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const qx = x + dx, qy = y + dy;
          if (qx < 0 || qx >= GW || qy < 0 || qy >= GH) continue;
          const q = qy * GW + qx;
          if (owner[q] < 0) { owner[q] = owner[c]; queue[tail++] = q; }
        }
      }
      const votes = new Int32Array(S);
      for (let y = 0; y < GH; y++) for (let x = 0; x < GW; x++) {
        votes.fill(0);
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
          const qx = x + dx, qy = y + dy;
          if (qx >= 0 && qx < GW && qy >= 0 && qy < GH) votes[owner[qy * GW + qx]] += 1;
        }
        let best = owner[y * GW + x];
        for (let s = 0; s < S; s++) if (votes[s] > votes[best]) best = s;
        next[y * GW + x] = best;
      }
      // drawn on the map only, not on its margin
      const left = Math.floor(pad + ox), right = Math.ceil(pad + ox + (x1 - x0) * scale);
      const topY = Math.floor(H - pad - oy - (y1 - y0) * scale), bottom = Math.ceil(H - pad - oy);
      const on = (qx, qy) => qx >= left && qx < Math.min(W, right) && qy >= Math.max(0, topY)
        && qy < Math.min(H, bottom);
      let n = 0;
      for (let y = 0; y < GH; y++) for (let x = 0; x < GW; x++) {
        const o = next[y * GW + x];
        if (x + 1 < GW && next[y * GW + x + 1] !== o) {
          n += 1;
          for (let j = 0; j < CELL; j++) {
            const qx = (x + 1) * CELL, qy = y * CELL + j;
            if (on(qx, qy)) px[qy * W + qx] = line;
          }
        }
        if (y + 1 < GH && next[(y + 1) * GW + x] !== o) {
          n += 1;
          for (let j = 0; j < CELL; j++) {
            const qx = x * CELL + j, qy = (y + 1) * CELL;
            if (on(qx, qy)) px[qy * W + qx] = line;
          }
        }
      }
      return n;
    }
    const fallen = rgba('#8a8a8a', false);
    const CROSS = [[-1, -1], [1, 1], [0, 0], [-1, 1], [1, -1]];
    function dead(k) { // the fallen by the tick shown, where they fell
      if (!deaths) return 0;
      const t = rp.times[k];
      let n = 0;
      for (let i = 0; i < deaths.t.length && deaths.t[i] <= t; i++) {
        stamp(deaths.x[i], deaths.y[i], fallen, CROSS);
        n += 1;
      }
      drawn -= n;
      return n;
    }
    return function draw(k, view, withFront) {
      px.set(ground);
      drawn = 0;
      room.dead = dead(k);
      if (theater) worlds(rp.times[k]);
      room.front = withFront && !theater ? front(k) : 0;
      if (view && view !== 'truth') belief(k, view); else truth(k, -1, false);
      const marks = places ? places(k) : [];
      for (const [x, y] of marks) stamp(x, y, mark, MARK);
      room.markers = marks.length;
      ctx.putImageData(img, 0, 0);
      return drawn;
    };
  }

  // each side's pictures (pictures.parquet): per side, its report times and row ranges
  function pictures(rowsOf) {
    const n = rowsOf.length;
    const entity = new Int32Array(n), x = new Float32Array(n), y = new Float32Array(n);
    const groups = new Map();
    for (let i = 0; i < n; i++) {
      const r = rowsOf[i];
      entity[i] = Number(r.entity); x[i] = r.x; y[i] = r.y;
      if (!groups.has(r.side)) groups.set(r.side, []);
      const g = groups.get(r.side);
      const last = g[g.length - 1];
      if (last && last[0] === r.t && last[2] === i) last[2] = i + 1;
      else g.push([r.t, i, i + 1]);
    }
    return {
      entity, x, y, sides: [...groups.keys()],
      latest(side, t) {
        const g = groups.get(side) || [];
        let best = null;
        for (const [tg, a, b] of g) if (tg <= t) best = [a, b];
        return best;
      },
    };
  }

  function countsAt(rp, k) {
    const out = {};
    for (let i = rp.starts[k]; i < rp.starts[k + 1]; i++) {
      const key = rp.side.names[rp.side.out[i]] + '|' + rp.type.names[rp.type.out[i]];
      out[key] = (out[key] || 0) + 1;
    }
    return out;
  }

  function showCounts(counts) {
    const body = $('counts').tBodies[0];
    body.textContent = '';
    for (const key of Object.keys(counts).sort()) {
      const [side, type] = key.split('|');
      const tr = body.insertRow();
      tr.dataset.side = side; tr.dataset.type = type;
      for (const v of [side, type, counts[key]]) tr.insertCell().textContent = String(v);
    }
  }

  function svg(tag, attrs, parent) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (parent) parent.appendChild(el);
    return el;
  }

  // lines (or bands) over time, one per series, with a cursor at the tick shown
  function chart(el, series, colourOf) {
    const W = +el.getAttribute('width'), H = +el.getAttribute('height'), m = 36;
    let t1 = 0, s1 = 0;
    for (const s of series) for (const p of s.points) {
      t1 = Math.max(t1, p[0]); s1 = Math.max(s1, p[p.length - 1]);
    }
    const X = (t) => m + (t / (t1 || 1)) * (W - 2 * m - 60);
    const Y = (v) => H - m + 10 - (v / (s1 || 1)) * (H - 2 * m);
    svg('line', { x1: m, y1: Y(0), x2: W - m - 60, y2: Y(0), stroke: '#999' }, el);
    svg('text', { x: m, y: H - 6, 'font-size': 11 }, el).textContent = 't = 0';
    svg('text', { x: W - m - 120, y: H - 6, 'font-size': 11 }, el).textContent =
      `t = ${t1.toPrecision(4)}`;
    svg('text', { x: 2, y: Y(s1) + 4, 'font-size': 11 }, el).textContent = s1.toPrecision(3);
    for (const s of series) {
      const c = colourOf(s.side);
      const band = s.points[0].length === 4; // 5%, median, 95%
      if (band) {
        const up = s.points.map((p) => `${X(p[0])},${Y(p[3])}`);
        const down = s.points.slice().reverse().map((p) => `${X(p[0])},${Y(p[1])}`);
        svg('polygon', { points: up.concat(down).join(' '), fill: c, 'fill-opacity': 0.2 }, el);
      }
      const mid = band ? 2 : 1;
      svg('polyline', { points: s.points.map((p) => `${X(p[0])},${Y(p[mid])}`).join(' '),
                        fill: 'none', stroke: c, 'stroke-width': 1.5,
                        'stroke-dasharray': s.dash || '' }, el);
      const end = s.points[s.points.length - 1];
      svg('text', { x: X(end[0]) + 3, y: Y(end[mid]) + 4, 'font-size': 10, fill: c }, el)
        .textContent = s.label;
    }
    const cursor = svg('line', { x1: m, y1: m - 10, x2: m, y2: Y(0), stroke: '#555',
                                 'stroke-dasharray': '3 3' }, el);
    return (t) => { cursor.setAttribute('x1', X(t)); cursor.setAttribute('x2', X(t)); };
  }

  // a sweep: the win probability of each side against the first parameter swept, with its
  // 95% interval, a line per value of the others
  function sweepCurves(summary, colourOf) {
    const pts = summary.points || [];
    if (!pts.length) return;
    const keys = Object.keys(pts[0].parameters || {});
    if (!keys.length) return;
    const box = $('experiment');
    const h = document.createElement('h2');
    h.textContent = `Win probability against ${keys[0]} (95% intervals)`;
    box.appendChild(h);
    const el = svg('svg', { id: 'sweep', width: 720, height: 260 }, box);
    const W = 720, H = 260, m = 40;
    const raw = pts.map((p) => p.parameters[keys[0]]);
    const numeric = raw.every((v) => typeof v === 'number');
    const xs = numeric ? raw : raw.map((v, i) => i);
    const lo = Math.min(...xs), hi = Math.max(...xs);
    const X = (v) => m + ((v - lo) / ((hi - lo) || 1)) * (W - 2 * m - 80);
    const Y = (p) => H - m - p * (H - 2 * m);
    svg('line', { x1: m, y1: Y(0), x2: W - m - 80, y2: Y(0), stroke: '#999' }, el);
    svg('text', { x: 2, y: Y(1) + 4, 'font-size': 11 }, el).textContent = '1';
    svg('text', { x: 2, y: Y(0) + 4, 'font-size': 11 }, el).textContent = '0';
    svg('text', { x: m, y: H - 8, 'font-size': 11 }, el).textContent = `${keys[0]} = ${raw[0]}`;
    svg('text', { x: W - m - 160, y: H - 8, 'font-size': 11 }, el).textContent =
      `${keys[0]} = ${raw[raw.length - 1]}`;
    const groups = new Map();
    pts.forEach((p, i) => {
      const label = keys.slice(1).map((k) => `${k}=${p.parameters[k]}`).join(', ');
      if (!groups.has(label)) groups.set(label, []);
      groups.get(label).push([xs[i], p]);
    });
    const sides = Object.keys(pts[0].wins).filter((w) => w !== 'none');
    let g = 0;
    for (const [label, members] of groups) {
      members.sort((a, b) => a[0] - b[0]);
      for (const side of sides) {
        const c = colourOf(side);
        svg('polyline', { points: members.map(([x, p]) => `${X(x)},${Y(p.wins[side].p)}`)
          .join(' '), fill: 'none', stroke: c, 'stroke-width': 1.5, class: 'curve',
                          'stroke-dasharray': g ? `${2 + 2 * g} 3` : '' }, el);
        for (const [x, p] of members) {
          const w = p.wins[side];
          svg('line', { x1: X(x), x2: X(x), y1: Y(w.low), y2: Y(w.high), stroke: c,
                        class: 'interval' }, el);
        }
        const [xe, pe] = members[members.length - 1];
        svg('text', { x: X(xe) + 4, y: Y(pe.wins[side].p) + 4, 'font-size': 10, fill: c }, el)
          .textContent = label ? `${side} (${label})` : side;
      }
      g += 1;
    }
  }

  // an ablation: each element's effect on the win probability when it alone is removed, and
  // its Shapley value, each with its 95% interval
  function ablationBars(ab) {
    const els = ab.elements || [];
    if (!els.length) return;
    const box = $('experiment');
    const h = document.createElement('h2');
    h.textContent = `What each element is worth to ${ab.side} (95% intervals)`;
    box.appendChild(h);
    const W = 720, row = 34, m = 160;
    const el = svg('svg', { id: 'ablation', width: W, height: row * els.length + 40 }, box);
    let top = 0;
    for (const e of els) for (const v of [...e.removal_interval, ...e.shapley_interval]) {
      if (Number.isFinite(v)) top = Math.max(top, Math.abs(v));
    }
    const X = (v) => m + (W - m - 40) / 2 + (v / (top || 1)) * ((W - m - 40) / 2);
    svg('line', { x1: X(0), x2: X(0), y1: 0, y2: row * els.length, stroke: '#999' }, el);
    els.forEach((e, k) => {
      const y = k * row + 4;
      svg('text', { x: 2, y: y + 16, 'font-size': 12 }, el).textContent = `${e.id} (${e.kind})`;
      for (const [v, iv, c, dy] of [[e.removal_effect, e.removal_interval, '#1f5fbf', 0],
                                    [e.shapley, e.shapley_interval, '#d35400', 13]]) {
        const a = Math.min(X(0), X(v)), w = Math.abs(X(v) - X(0));
        svg('rect', { x: a, y: y + dy, width: Math.max(w, 1), height: 11, fill: c,
                      class: dy ? 'shapley' : 'removal' }, el);
        if (iv.every(Number.isFinite)) {
          svg('line', { x1: X(iv[0]), x2: X(iv[1]), y1: y + dy + 5, y2: y + dy + 5,
                        stroke: '#222' }, el);
        }
      }
    });
    svg('text', { x: m, y: row * els.length + 30, 'font-size': 11, fill: '#1f5fbf' }, el)
      .textContent = 'removed alone';
    svg('text', { x: m + 120, y: row * els.length + 30, 'font-size': 11, fill: '#d35400' }, el)
      .textContent = 'Shapley value';
  }

  // an experiment's kept replications: each a link to its replay (when served)
  function replayList(names, reps) {
    const box = $('experiment');
    const h = document.createElement('h2');
    h.textContent = 'Replays kept';
    box.appendChild(h);
    const ul = document.createElement('ul');
    ul.id = 'replays';
    const won = new Map(reps.map((r) => [`p${r.point ?? 0}-r${r.replication}`, r.winner ?? 'none']));
    for (const name of names) {
      const li = document.createElement('li');
      const label = `${name}: ${won.has(name) ? `${won.get(name)} wins` : ''}`;
      if (config.embedded) {
        li.textContent = `${label} (warroom serve opens its replay)`;
      } else {
        const a = document.createElement('a');
        a.href = `replays/${encodeURIComponent(name)}/`;
        a.textContent = label;
        li.appendChild(a);
      }
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }

  async function json(name) {
    return JSON.parse(new TextDecoder().decode(await bytesOf(name)));
  }

  function bySide(rowsOf, value) {
    // (t, side) -> summed value, as sorted points per side
    const acc = new Map();
    for (const r of rowsOf) {
      if (!acc.has(r.side)) acc.set(r.side, new Map());
      const m = acc.get(r.side);
      m.set(r.t, (m.get(r.t) || 0) + Number(r[value]));
    }
    return [...acc].map(([side, m]) => ({
      side, label: side, points: [...m].sort((a, b) => a[0] - b[0]) }));
  }

  function byType(rowsOf) {
    // (t, side, type) -> entities alive, as sorted points per side and type
    const acc = new Map();
    for (const r of rowsOf) {
      const key = `${r.side}\u0000${r.type}`;
      if (!acc.has(key)) acc.set(key, []);
      acc.get(key).push([Number(r.t), Number(r.alive)]);
    }
    const types = [...new Set(rowsOf.map((r) => r.type))];
    return [...acc].map(([key, pts]) => {
      const [side, type] = key.split('\u0000');
      const k = types.indexOf(type);
      return { side, label: `${side} ${type}`, dash: k ? `${1 + k} ${2}` : '',
               points: pts.sort((a, b) => a[0] - b[0]) };
    });
  }

  function quantile(sorted, q) {
    const h = (sorted.length - 1) * q, lo = Math.floor(h);
    return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (h - lo);
  }

  function fan(rowsOf) {
    // the first point's replications: per side and time, 5%, median and 95% of strength
    const acc = new Map();
    for (const r of rowsOf) {
      if (Number(r.point) !== 0) continue;
      if (!acc.has(r.side)) acc.set(r.side, new Map());
      const m = acc.get(r.side);
      if (!m.has(r.t)) m.set(r.t, []);
      m.get(r.t).push(Number(r.strength));
    }
    return [...acc].map(([side, m]) => ({
      side, label: side, points: [...m].sort((a, b) => a[0] - b[0]).map(([t, v]) => {
        v.sort((a, b) => a - b);
        return [t, quantile(v, 0.05), quantile(v, 0.5), quantile(v, 0.95)];
      }) }));
  }

  // the events around the time shown: the last BEFORE at or before it (those past greyed)
  // and the next AFTER; orders, which a campaign gives by the ten thousand, are left out
  function ticker(all) {
    const ol = $('ticker');
    const BEFORE = 150, AFTER = 30;
    const events = all.filter((e) => e.kind !== 'order_given' && e.kind !== 'order_refused')
      .map((e) => [Number(e.t), `t = ${Number(e.t).toPrecision(4)}: ${e.message}`]);
    let shown = null;
    function show(t) {
      let i = 0;
      while (i < events.length && events[i][0] <= t) i++;
      const a = Math.max(0, i - BEFORE), b = Math.min(events.length, i + AFTER);
      if (shown && shown[0] === a && shown[1] === b) return;
      shown = [a, b];
      ol.textContent = '';
      ol.start = a + 1;
      let now = null;
      for (let k = a; k < b; k++) {
        const li = document.createElement('li');
        li.textContent = events[k][1];
        if (events[k][0] <= t) { li.classList.add('past'); now = li; }
        ol.appendChild(li);
      }
      // the newest event at or before the time shown, in the middle of the list's view
      if (now) ol.scrollTop = now.offsetTop - ol.offsetTop - ol.clientHeight / 2;
    }
    show(events.length ? events[events.length - 1][0] : 0);
    return show;
  }

  function outcomes(reps) {
    const box = $('experiment');
    const tally = new Map();
    reps = reps.filter((r) => Number(r.point ?? 0) === 0);
    for (const r of reps) tally.set(r.winner ?? 'none', (tally.get(r.winner ?? 'none') || 0) + 1);
    const h = document.createElement('h2');
    h.textContent = `Outcomes of ${reps.length} replications` +
      (config.kind === 'mc' ? '' : ' (the first point)');
    box.appendChild(h);
    const el = svg('svg', { id: 'outcomes', width: 360, height: 30 * tally.size + 10 }, box);
    let k = 0;
    for (const [who, n] of [...tally].sort()) {
      const w = (300 * n) / reps.length;
      svg('rect', { x: 80, y: 8 + 30 * k, width: w, height: 20, fill: COLORS[k % COLORS.length] }, el);
      svg('text', { x: 2, y: 23 + 30 * k, 'font-size': 12 }, el).textContent = String(who);
      svg('text', { x: 84 + w, y: 23 + 30 * k, 'font-size': 12 }, el).textContent = String(n);
      k += 1;
    }
  }

  async function main() {
    const has = (name) => config.files.includes(name);
    let sideNames = [];
    let onTime = [];
    const colourOf = (side) => COLORS[Math.max(sideNames.indexOf(side), 0) % COLORS.length];
    if (has('timeseries.parquet')) {
      const series = bySide(await rows('timeseries.parquet', ['t', 'side', 'strength']),
                            'strength');
      sideNames = series.map((s) => s.side);
      onTime.push(chart($('strength'), series, colourOf));
    } else if (has('series.parquet')) {
      const series = fan(await rows('series.parquet', ['point', 'side', 't', 'strength']));
      sideNames = series.map((s) => s.side);
      $('strength-title').textContent = 'Strength: median and 5-95% of the replications' +
        (config.kind === 'mc' ? '' : ' of the first point');
      onTime.push(chart($('strength'), series, colourOf));
    }
    if (has('by_type.parquet')) {
      $('by-type-box').hidden = false;
      onTime.push(chart($('by-type'), byType(await rows('by_type.parquet',
                                                        ['t', 'side', 'type', 'alive'])),
                        colourOf));
    }
    if (has('morale.parquet')) {
      // members per morale state (all forces with morale together) over time
      const MORALE = { steady: '#2e8b57', shaken: '#d4a017', refusing: '#8e44ad',
                       routing: '#c0392b', surrendered: '#7f8c8d', defected: '#222222' };
      const m = await rows('morale.parquet', ['t', 'state', 'members']);
      const series = bySide(m.map((r) => ({ t: r.t, side: r.state, members: r.members })),
                            'members');
      $('morale-box').hidden = false;
      onTime.push(chart($('morale'), series, (state) => MORALE[state] || '#555'));
    }
    if (has('replications.parquet')) {
      const reps = await rows('replications.parquet', ['point', 'replication', 'winner']);
      outcomes(reps);
      if ((config.replays || []).length) replayList(config.replays, reps);
    }
    if (config.kind === 'sweep' && has('summary.json')) sweepCurves(await json('summary.json'), colourOf);
    if (has('ablation.json')) ablationBars(await json('ablation.json'));
    let events = [];
    if (has('events.parquet')) {
      events = await rows('events.parquet', ['t', 'kind', 'subject', 'message']);
      onTime.push(ticker(events));
    }
    let rp = null, theater = null;
    if (has('snapshots.parquet')) {
      const snap = await rows('snapshots.parquet', ['t', 'entity', 'x', 'y', 'status', 'side',
                                                    'type', 'decoy', 'morale', 'force']);
      if (snap.length) rp = replay(snap, sideNames);
    } else if (has('positions.parquet') && has('worlds.parquet')) {
      // a campaign: its fleets each week, on the graph of worlds
      const pos = await rows('positions.parquet', ['t', 'side', 'x', 'y']);
      if (pos.length) {
        rp = replay(pos.map((r) => ({ ...r, type: 'fleet', status: 1 })), sideNames);
        theater = theaterOf(await rows('worlds.parquet', ['world', 'x', 'y', 'owner_at_start']),
                            has('lanes.parquet') ? await rows('lanes.parquet', ['a', 'b']) : [],
                            has('ownership.parquet')
                              ? await rows('ownership.parquet', ['t', 'world', 'owner', 'destroyed'])
                              : []);
        rp.box = theater.box;
      }
    }
    if (has('fleets.parquet')) {
      $('by-type-box').hidden = false;
      $('by-type-title').textContent = 'Fleets lost, by side';
      onTime.push(chart($('by-type'), bySide(await rows('fleets.parquet',
                                                        ['t', 'side', 'fleets_lost']),
                                             'fleets_lost'), colourOf));
    }
    const noMap = $('no-map');
    if (!rp) {
      $('map').hidden = true; $('timeline').hidden = true; $('counts').hidden = true;
      noMap.hidden = false;
      noMap.textContent = config.kind === 'run'
        ? 'No map: this run kept no snapshots of its entities (only tactical runs do).'
        : 'No map: an experiment keeps its replications\u2019 tables, not their snapshots.';
      room.ready = true;
      status.textContent = `${config.kind}: ${config.files.length} files read`;
      return;
    }
    const legend = $('legend');
    rp.side.names.forEach((s, k) => {
      const span = document.createElement('span');
      span.style.color = rp.colour[k];
      span.textContent = `\u25A0 ${s}`;
      legend.appendChild(span);
    });
    rp.type.names.forEach((ty, k) => {
      // the type's glyph as the map draws it, twice the size
      const span = document.createElement('span');
      const c = document.createElement('canvas');
      c.width = c.height = 10;
      const g = c.getContext('2d');
      for (const [dx, dy] of GLYPHS[k % GLYPHS.length]) g.fillRect(4 + 2 * dx, 4 + 2 * dy, 2, 2);
      c.style.verticalAlign = 'middle';
      span.append(c, ` ${ty}`);
      legend.appendChild(span);
    });
    const pics = has('pictures.parquet')
      ? pictures(await rows('pictures.parquet', ['t', 'side', 'entity', 'x', 'y'])) : null;
    const moods = new Set(Array.from(rp.mood).filter((m) => m > 0));
    room.moods = [...moods].map((m) => MOODS[m - 1]);
    for (const m of moods) {
      const span = document.createElement('span');
      span.style.color = MOOD_COLOURS[m - 1];
      span.textContent = `\u25A0 ${MOODS[m - 1]}`;
      legend.appendChild(span);
    }
    const land = has('terrain.parquet')
      ? terrainOf(await rows('terrain.parquet', ['row', 'col', 'cell', 'terrain', 'elevation']))
      : null;
    room.terrain = land ? land.names : [];
    if (land) {
      for (const n of land.names) {
        const span = document.createElement('span'), swatch = document.createElement('span');
        swatch.style.color = groundColour(n);
        swatch.textContent = '\u2588';
        span.append(swatch, ` ${n}`);
        legend.appendChild(span);
      }
    }
    const battles = theater && has('battles.parquet')
      ? (await rows('battles.parquet', ['t', 'world'])).map((b) => [Number(b.t), theater.index.get(b.world)])
      : [];
    let deaths = null;
    if (has('deaths.parquet')) {
      const d = await rows('deaths.parquet', ['t', 'x', 'y']);
      deaths = { t: Float64Array.from(d, (r) => r.t), x: Float32Array.from(d, (r) => r.x),
                 y: Float32Array.from(d, (r) => r.y) };
      if (d.length) {
        const span = document.createElement('span');
        span.style.color = '#8a8a8a';
        span.textContent = '\u00D7 fallen';
        legend.appendChild(span);
      }
    }
    const drawMap = mapView(rp, pics, land, theater, eventPlaces(rp, events, theater, battles),
                            deaths);
    if (theater) $('front').parentElement.hidden = true; // sides hold worlds, not ground
    const view = $('view');
    if (pics && pics.sides.length) {
      for (const s of pics.sides) {
        const o = document.createElement('option');
        o.value = s; o.textContent = `what ${s} believed`;
        view.appendChild(o);
      }
      view.hidden = false;
    }
    room.view = 'truth';
    const frontBox = $('front');
    const draw = (k) => { room.drawn = drawMap(k, room.view, frontBox.checked); };
    frontBox.addEventListener('change', () => room.seek(room.tick));
    room.show = (v) => { room.view = v; view.value = v; room.seek(room.tick); };
    view.addEventListener('change', () => room.show(view.value));
    const scrub = $('scrub'), clock = $('clock'), play = $('play'), speed = $('speed');
    room.ticks = rp.times;
    scrub.max = String(rp.times.length - 1);
    room.seek = function (k) {
      const t0 = performance.now();
      k = Math.max(0, Math.min(rp.times.length - 1, Math.round(k)));
      room.tick = k;
      draw(k);
      const c = countsAt(rp, k);
      room.shown = c;
      showCounts(c);
      scrub.value = String(k);
      clock.textContent = `t = ${rp.times[k].toPrecision(5)}`;
      for (const f of onTime) f(rp.times[k]);
      room.frames += 1;
      return performance.now() - t0;
    };
    room.counts = () => countsAt(rp, room.tick);
    let playing = false, last = 0, carry = 0;
    const TICKS_PER_SECOND = 8;
    function frame(now) {
      if (!playing) return;
      carry += ((now - last) / 1000) * TICKS_PER_SECOND * Number(speed.value);
      last = now;
      if (carry >= 1) {
        const step = Math.floor(carry);
        carry -= step;
        if (room.tick + step >= rp.times.length - 1) { room.seek(rp.times.length - 1); room.pause(); return; }
        room.seek(room.tick + step);
      }
      requestAnimationFrame(frame);
    }
    room.play = () => {
      if (playing) return;
      if (room.tick >= rp.times.length - 1) room.seek(0);
      playing = true; play.textContent = 'pause'; last = performance.now(); carry = 0;
      requestAnimationFrame(frame);
    };
    room.pause = () => { playing = false; play.textContent = 'play'; };
    play.addEventListener('click', () => (playing ? room.pause() : room.play()));
    scrub.addEventListener('input', () => { room.pause(); room.seek(Number(scrub.value)); });
    room.seek(0);
    room.ready = true;
    status.textContent = `${config.kind}: ${rp.times.length} ticks of ${rp.starts[rp.starts.length - 1]} entity rows`;
  }

  main().catch((e) => {
    room.error = String(e && e.stack ? e.stack : e);
    status.textContent = `could not read this folder: ${e}`;
    console.error(e);
  });
})();
