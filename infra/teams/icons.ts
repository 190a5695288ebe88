// The two icons Teams requires (and the web app's, bot/web-app.ts), drawn in code so the package builds from the repository alone and
// the accent colour has one source. The mark is a heart: Dugnad is people helping people.
//
// Teams' rules (app package docs): color.png is 192×192, full colour, and Teams draws it as is;
// outline.png is 32×32 and may hold only white on a transparent background, because Teams tints it
// for the app bar and for light, dark and high-contrast themes.
import { createImage, encodePng, type RgbaImage } from './png.ts';

export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

/** Classic implicit heart (x² + y² − 1)³ − x²y³ ≤ 0, y up; spans x ∈ ±1.139, y ∈ [−1, 1.236]. */
function inHeart(x: number, y: number): boolean {
  const a = x * x + y * y - 1;
  return a * a * a - x * x * y * y * y <= 0;
}
const HEART_WIDTH = 2 * 1.139;
const HEART_MID_Y = (1.236 - 1) / 2;

/** Maps pixel-space points onto a heart of the given width, centred in a size×size image. */
function heartAt(size: number, width: number) {
  const scale = width / HEART_WIDTH;
  return (px: number, py: number) => inHeart((px - size / 2) / scale, HEART_MID_Y - (py - size / 2) / scale);
}

// 4×4 samples per pixel give 16 levels of edge coverage: smooth enough at 32 px, no library needed.
const SAMPLES = 4;

function coverage(px: number, py: number, inside: (x: number, y: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < SAMPLES; i++) {
    for (let j = 0; j < SAMPLES; j++) {
      if (inside(px + (i + 0.5) / SAMPLES, py + (j + 0.5) / SAMPLES)) hits++;
    }
  }
  return hits / (SAMPLES * SAMPLES);
}

export function parseHexColor(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

/**
 * A white heart on a full square of the accent colour. Every pixel is opaque. `heartShare`: the heart's
 * width as a share of the side — Teams crops the colour icon to a rounded square and ~104 of 192 px keeps
 * the mark clear of the corners; the web app's maskable icon wants it inside the central 80 % circle.
 */
export function drawColorIcon(accentColor: string, size = COLOR_ICON_SIZE, heartShare = 104 / 192): RgbaImage {
  const [r, g, b] = parseHexColor(accentColor);
  const inside = heartAt(size, size * heartShare);
  const image = createImage(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, inside);
      const o = (y * size + x) * 4;
      image.data[o] = Math.round(r + (255 - r) * c);
      image.data[o + 1] = Math.round(g + (255 - g) * c);
      image.data[o + 2] = Math.round(b + (255 - b) * c);
      image.data[o + 3] = 255;
    }
  }
  return image;
}

/**
 * The heart's outline as a white stroke on transparent. Only alpha varies: every pixel's colour is
 * pure white, so anti-aliased edges can't introduce a grey that Teams' validation would reject.
 */
export function drawOutlineIcon(): RgbaImage {
  const size = OUTLINE_ICON_SIZE;
  const filled = heartAt(size, 28);
  const stroke = 2.25;
  // A point is on the stroke if it is inside the heart and within `stroke` of the outside: a
  // uniform line width, unlike subtracting a scaled-down heart (thin lobes, fat tip).
  const directions = Array.from({ length: 16 }, (_, k) => [Math.cos((k * Math.PI) / 8) * stroke, Math.sin((k * Math.PI) / 8) * stroke] as const);
  const onStroke = (x: number, y: number) => filled(x, y) && directions.some(([dx, dy]) => !filled(x + dx, y + dy));
  const image = createImage(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      image.data[o] = 255;
      image.data[o + 1] = 255;
      image.data[o + 2] = 255;
      image.data[o + 3] = Math.round(255 * coverage(x, y, onStroke));
    }
  }
  return image;
}

export function colorIconPng(accentColor: string, size = COLOR_ICON_SIZE, heartShare?: number): Buffer {
  return encodePng(drawColorIcon(accentColor, size, heartShare));
}

export function outlineIconPng(): Buffer {
  return encodePng(drawOutlineIcon());
}
