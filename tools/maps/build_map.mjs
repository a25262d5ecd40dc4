// Build-time generator for the region map shown on Summit country pages.
//
// Reads Natural Earth country shapes (via the world-atlas npm package),
// simplifies them, projects a fixed window around Central Asia onto a
// ~1000-unit-wide plane, clips them to that window and writes compact SVG
// path data to countries/mapdata/region.json. The Django side
// (countries/maps.py) only reads that JSON, so Node is needed only when the
// map itself has to change.
//
// Usage: cd tools/maps && npm ci && node build_map.mjs

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { feature } from "topojson-client";
import { presimplify, simplify } from "topojson-simplify";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const OUTPUT = resolve(here, "../../countries/mapdata/region.json");

const ATLAS_VERSION = require("world-atlas/package.json").version;
// 50m rather than 110m: at 110m most of Japan's smaller islands (Okinawa,
// Sado, the Izu chain) are missing altogether.
const topology = JSON.parse(
  readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8"),
);

// ---------------------------------------------------------------------------
// Window and projection
// ---------------------------------------------------------------------------

const WINDOW = { west: 44, east: 148, south: 20, north: 56 };
const TARGET_WIDTH = 1000;

// Equirectangular with x scaled by cos(mean latitude): keeps shapes near the
// window's middle latitude undistorted, and is trivially reproducible.
const COS_LAT = Math.cos((((WINDOW.south + WINDOW.north) / 2) * Math.PI) / 180);
const SCALE = TARGET_WIDTH / ((WINDOW.east - WINDOW.west) * COS_LAT); // units per degree of latitude
const WIDTH = TARGET_WIDTH;
const HEIGHT = Math.round((WINDOW.north - WINDOW.south) * SCALE);

function project([lon, lat]) {
  return [(lon - WINDOW.west) * COS_LAT * SCALE, (WINDOW.north - lat) * SCALE];
}

// Shapes are clipped a few units outside the viewBox so that the artificial
// edges clipping introduces (and their strokes) fall outside the visible area.
const CLIP_MARGIN = 4;
const CLIP = { x0: -CLIP_MARGIN, y0: -CLIP_MARGIN, x1: WIDTH + CLIP_MARGIN, y1: HEIGHT + CLIP_MARGIN };
const VIEW = { x0: 0, y0: 0, x1: WIDTH, y1: HEIGHT };

// Visvalingam weights are measured in projected units² so the threshold means
// "triangles smaller than this many square units on the final map".
const SIMPLIFY_MIN_AREA = 0.4;
// Islands (and clipped slivers) smaller than this are invisible at any size
// the map is shown, so they only cost bytes.
const MIN_RING_AREA = 0.8;

// ---------------------------------------------------------------------------
// ISO 3166-1 numeric -> alpha-2 for countries in or near the window. Features
// without an entry (e.g. the Siachen Glacier, which has no ISO code) are still
// drawn, with code "".
// ---------------------------------------------------------------------------

const ALPHA2 = {
  "004": "AF", "031": "AZ", "048": "BH", "050": "BD", "051": "AM", "064": "BT",
  "104": "MM", "116": "KH", "156": "CN", "158": "TW", "232": "ER", "268": "GE",
  "344": "HK", "356": "IN", "364": "IR", "368": "IQ", "392": "JP", "398": "KZ",
  "400": "JO", "408": "KP", "410": "KR", "414": "KW", "417": "KG", "418": "LA",
  "446": "MO", "496": "MN", "512": "OM", "524": "NP", "580": "MP", "586": "PK",
  "608": "PH", "634": "QA", "643": "RU", "682": "SA", "704": "VN", "760": "SY",
  "762": "TJ", "764": "TH", "784": "AE", "792": "TR", "795": "TM", "804": "UA",
  "860": "UZ", "887": "YE",
};

// ---------------------------------------------------------------------------
// Geometry helpers (planar, in projected units)
// ---------------------------------------------------------------------------

function ringArea(ring) {
  let sum = 0;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
    sum += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  }
  return sum / 2;
}

function ringBounds(ring) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of ring) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return { x0, y0, x1, y1 };
}

function intersects(a, b) {
  return a.x0 <= b.x1 && a.x1 >= b.x0 && a.y0 <= b.y1 && a.y1 >= b.y0;
}

// Sutherland–Hodgman against an axis-aligned rectangle. For concave shapes it
// can leave zero-width spurs along the rectangle's edge; with CLIP_MARGIN
// those lie outside the viewBox, so they never show.
function clipRing(ring, rect) {
  const edges = [
    [(p) => p[0] >= rect.x0, (a, b) => cross(a, b, 0, rect.x0)],
    [(p) => p[0] <= rect.x1, (a, b) => cross(a, b, 0, rect.x1)],
    [(p) => p[1] >= rect.y0, (a, b) => cross(a, b, 1, rect.y0)],
    [(p) => p[1] <= rect.y1, (a, b) => cross(a, b, 1, rect.y1)],
  ];
  let output = ring;
  for (const [inside, intersect] of edges) {
    const input = output;
    output = [];
    if (!input.length) break;
    let prev = input[input.length - 1];
    for (const point of input) {
      if (inside(point)) {
        if (!inside(prev)) output.push(intersect(prev, point));
        output.push(point);
      } else if (inside(prev)) {
        output.push(intersect(prev, point));
      }
      prev = point;
    }
  }
  return output;
}

function cross(a, b, axis, value) {
  const t = (value - a[axis]) / (b[axis] - a[axis]);
  const other = 1 - axis;
  const point = [];
  point[axis] = value;
  point[other] = a[other] + t * (b[other] - a[other]);
  return point;
}

// Drops the closing duplicate point TopoJSON/GeoJSON rings carry, since the
// SVG "Z" closes the path anyway.
function openRing(ring) {
  const n = ring.length;
  if (n > 1 && ring[0][0] === ring[n - 1][0] && ring[0][1] === ring[n - 1][1]) {
    return ring.slice(0, n - 1);
  }
  return ring;
}

function segmentDistanceSq(px, py, a, b) {
  let x = a[0], y = a[1];
  let dx = b[0] - x, dy = b[1] - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = b[0];
      y = b[1];
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = px - x;
  dy = py - y;
  return dx * dx + dy * dy;
}

// Signed distance from a point to a polygon's outline (positive inside),
// with even-odd insideness so holes count as outside.
function signedDistance(x, y, polygon) {
  let inside = false;
  let minSq = Infinity;
  for (const ring of polygon) {
    for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
      const a = ring[i], b = ring[j];
      if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) {
        inside = !inside;
      }
      minSq = Math.min(minSq, segmentDistanceSq(x, y, a, b));
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(minSq);
}

// Approximate pole of inaccessibility: the interior point farthest from the
// outline. Unlike the centroid it always lies inside the shape (the centroid
// of a crescent such as Honshu falls in the sea), which is what a label needs.
function interiorPoint(polygon) {
  let { x0, y0, x1, y1 } = ringBounds(polygon[0]);
  let best = null;
  const steps = 24;
  for (let round = 0; round < 6; round++) {
    const dx = (x1 - x0) / steps, dy = (y1 - y0) / steps;
    for (let i = 0; i <= steps; i++) {
      for (let j = 0; j <= steps; j++) {
        const x = x0 + i * dx, y = y0 + j * dy;
        const d = signedDistance(x, y, polygon);
        if (!best || d > best.d) best = { x, y, d };
      }
    }
    // Zoom in around the best point so far and search more finely.
    const w = (x1 - x0) / 4, h = (y1 - y0) / 4;
    x0 = best.x - w;
    x1 = best.x + w;
    y0 = best.y - h;
    y1 = best.y + h;
  }
  return [best.x, best.y];
}

// ---------------------------------------------------------------------------
// Path encoding
// ---------------------------------------------------------------------------

// Coordinates are rounded to tenths of a unit; the path uses relative
// commands computed from the *rounded* absolute points so no error
// accumulates, and the output stays well under the size budget.
function encodeRing(ring) {
  const pts = [];
  for (const [x, y] of ring) {
    const p = [Math.round(x * 10), Math.round(y * 10)];
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  while (pts.length > 1 && pts[0][0] === pts.at(-1)[0] && pts[0][1] === pts.at(-1)[1]) pts.pop();
  if (pts.length < 3) return "";
  let d = `M${num(pts[0][0])} ${num(pts[0][1])}l`;
  for (let i = 1; i < pts.length; i++) {
    const dx = pts[i][0] - pts[i - 1][0];
    const dy = pts[i][1] - pts[i - 1][1];
    // SVG lets a minus sign double as a separator.
    d += (i > 1 && dx >= 0 ? " " : "") + num(dx) + (dy >= 0 ? " " : "") + num(dy);
  }
  return d + "z";
}

function num(tenths) {
  const s = (Math.abs(tenths) / 10).toString().replace(/^0\./, ".");
  return tenths < 0 ? "-" + s : s;
}

// ---------------------------------------------------------------------------
// Build
// ---------------------------------------------------------------------------

const areaScale = COS_LAT * SCALE * SCALE;
const weighted = presimplify(topology, (triangle) => {
  // Planar triangle area in degrees², converted to projected units².
  const [a, b, c] = triangle;
  return Math.abs((a[0] - c[0]) * (b[1] - a[1]) - (a[0] - b[0]) * (c[1] - a[1])) / 2 * areaScale;
});
const simplified = simplify(weighted, SIMPLIFY_MIN_AREA);
const features = feature(simplified, simplified.objects.countries).features;

const countries = [];
for (const f of features) {
  if (!f.geometry) continue;
  const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const paths = [];
  let labelCandidate = null;

  for (const polygon of polygons) {
    const rings = polygon.map((ring) => openRing(ring.map(project)));
    const outer = rings[0];
    if (!intersects(ringBounds(outer), VIEW)) continue;

    // Pieces that vanish in the window, or are too small to see, are skipped
    // (and an outer ring's holes go with it).
    if (clipRing(outer, VIEW).length < 3) continue;
    const clippedOuter = clipRing(outer, CLIP);
    if (clippedOuter.length < 3 || Math.abs(ringArea(clippedOuter)) < MIN_RING_AREA) continue;
    const holes = rings
      .slice(1)
      .map((ring) => clipRing(ring, CLIP))
      .filter((ring) => ring.length >= 3 && Math.abs(ringArea(ring)) >= MIN_RING_AREA);
    const clipped = [clippedOuter, ...holes];
    const encoded = clipped.map(encodeRing).filter(Boolean);
    if (!encoded.length) continue;
    paths.push(...encoded);

    // Label the largest *visible* piece, so e.g. Russia's label lands in
    // Siberia inside the window rather than somewhere west of the Urals.
    const visible = rings.map((ring) => clipRing(ring, VIEW)).filter((ring) => ring.length >= 3);
    const area = Math.abs(ringArea(visible[0]));
    if (!labelCandidate || area > labelCandidate.area) labelCandidate = { area, polygon: visible };
  }

  if (!paths.length) continue;

  const [lx, ly] = interiorPoint(labelCandidate.polygon);
  const label = [
    Math.round(Math.min(Math.max(lx, 30), WIDTH - 30) * 10) / 10,
    Math.round(Math.min(Math.max(ly, 12), HEIGHT - 6) * 10) / 10,
  ];
  const id = f.id === undefined ? "" : String(f.id);
  countries.push({ code: ALPHA2[id] ?? "", name: f.properties.name, d: paths.join(""), label });
}

countries.sort((a, b) => a.name.localeCompare(b.name, "en"));

const output = {
  viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
  source: `Natural Earth via world-atlas ${ATLAS_VERSION}`,
  countries,
};

mkdirSync(dirname(OUTPUT), { recursive: true });
const json = JSON.stringify(output) + "\n";
writeFileSync(OUTPUT, json);

const missing = countries.filter((c) => !c.code).map((c) => c.name);
console.log(
  `Wrote ${relative(process.cwd(), OUTPUT)}: ${countries.length} countries, ` +
    `${(Buffer.byteLength(json) / 1024).toFixed(1)} KiB, viewBox ${output.viewBox}` +
    (missing.length ? `; without ISO code: ${missing.join(", ")}` : ""),
);
