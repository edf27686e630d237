#!/usr/bin/env node
// Renders build/icon.svg to build/icon.png (1024×1024), the one icon
// electron-builder needs: it makes the .icns, the .ico and Linux's sizes from
// it while packaging. Run it after changing the SVG and commit both.
import path from 'node:path';
import sharp from 'sharp';
import { ROOT } from './electron-binary.mjs';

const ICON_SIZE = 1024;

const svg = path.join(ROOT, 'build/icon.svg');
const png = path.join(ROOT, 'build/icon.png');
const info = await sharp(svg, { density: 72 }).resize(ICON_SIZE, ICON_SIZE).png({ compressionLevel: 9 }).toFile(png);
console.log(`Sleeve: wrote ${path.relative(ROOT, png)} (${info.width}×${info.height}, ${info.size} bytes)`);
