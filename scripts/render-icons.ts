// Renders the app icons (web/static/icons/*.png) from web/static/icons/icon.svg with the Chromium the browser tests
// use, so no image library is needed. Run once after changing the SVG (`node scripts/render-icons.ts`) and commit the
// PNGs: the build only copies them. The maskable icon fills the square with the background colour and keeps the
// drawing inside the central 80 % that every launcher mask leaves visible.
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright";
import { CHROMIUM_PATH } from "./chromium.ts";

const ICONS = path.resolve(import.meta.dirname, "../web/static/icons");
const svg = readFileSync(path.join(ICONS, "icon.svg"), "utf8");
const BACKGROUND = "#0969da";

const variants = [
  { file: "icon-192.png", size: 192, maskable: false },
  { file: "icon-512.png", size: 512, maskable: false },
  { file: "icon-maskable-512.png", size: 512, maskable: true },
  // iOS draws its own rounded corners and shows transparency as black: full bleed, like the maskable one.
  { file: "apple-touch-icon.png", size: 180, maskable: true },
];

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { file, size, maskable } of variants) {
    await page.setViewportSize({ width: size, height: size });
    const drawing = maskable
      ? `<div style="width:${size}px;height:${size}px;background:${BACKGROUND};display:grid;place-items:center">
           <div style="width:${size * 0.8}px;height:${size * 0.8}px">${svg.replace(/rx="112"/, 'rx="0"')}</div></div>`
      : `<div style="width:${size}px;height:${size}px">${svg}</div>`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:100%;height:100%}</style>${drawing}`,
    );
    await page.screenshot({ path: path.join(ICONS, file), omitBackground: !maskable });
    console.log(`${file}: ${size}×${size}`);
  }
} finally {
  await browser.close();
}
