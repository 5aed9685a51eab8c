#!/usr/bin/env node
// Builds media/icon.png (128×128, the extension's icon for the Marketplace and the Extensions view)
// from media/wi-doctor.svg, the one drawing of the icon: edit the SVG, then run
//
//   node scripts/icon.mjs            writes media/icon.png
//   node scripts/icon.mjs --check    fails when media/icon.png is not what the SVG renders to
//
// The rasteriser is @resvg/resvg-js at an exact version (Rust's resvg compiled to a native Node
// addon: no browser, no font or network use for this drawing; its platform binary is an optional
// dependency published on npm, so the npm registry is all it needs). It is not a dependency of the
// project: the script installs it with npm into a temporary folder (--ignore-scripts: it has
// none to run) and removes that folder afterwards, so package.json and node_modules are untouched.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESVG = '@resvg/resvg-js@2.6.2';
const SIZE = 128;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const svgPath = join(root, 'media', 'wi-doctor.svg');
const pngPath = join(root, 'media', 'icon.png');
const check = process.argv.includes('--check');

const dir = mkdtempSync(join(tmpdir(), 'wi-icon-'));
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', RESVG], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { Resvg } = createRequire(join(dir, 'package.json'))('@resvg/resvg-js');
  const png = new Resvg(readFileSync(svgPath), { fitTo: { mode: 'width', value: SIZE }, background: 'rgba(0,0,0,0)', font: { loadSystemFonts: false } }).render().asPng();
  if (check) {
    const same = Buffer.compare(png, readFileSync(pngPath)) === 0;
    console.log(same ? 'media/icon.png is up to date' : 'media/icon.png differs from media/wi-doctor.svg: run node scripts/icon.mjs');
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(pngPath, png);
    console.log(`media/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes, from media/wi-doctor.svg with ${RESVG}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
