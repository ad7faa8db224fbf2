import type { Page } from "@playwright/test";

/** The two widths every page is checked and photographed at: a laptop and a phone. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A full-page screenshot into artifacts/screenshots/, where the specs' pictures are looked at. */
export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: `artifacts/screenshots/${name}.png`, fullPage: true });
}
