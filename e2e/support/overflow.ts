import type { Page } from "@playwright/test";

/**
 * Why a page is wider than its window, or null when it fits: the document's scroll width, then the first elements and
 * text whose right edge is past the window's, unless a container that scrolls sideways on its own (`overflow-x: auto`
 * or `scroll`) holds them. Visually hidden text (screen-reader captions, clipped to nothing) is not looked at.
 */
export async function findOverflow(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (element: Element) => /auto|scroll/.test(getComputedStyle(element).overflowX);
    const hidden = (element: Element) => getComputedStyle(element).clipPath !== "none";
    const contained = (element: Element | null) => {
      for (let at = element; at && at !== document.body; at = at.parentElement) {
        if (scrolls(at) || hidden(at)) return true;
      }
      return false;
    };
    const name = (element: Element) => {
      const id = element.id ? `#${element.id}` : "";
      const classes = [...element.classList]
        .filter((c) => !c.startsWith("svelte-"))
        .map((c) => `.${c}`)
        .join("");
      const testid = element.getAttribute("data-testid");
      const text = (element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50);
      return `<${element.tagName.toLowerCase()}${id}${classes}${testid ? ` data-testid=${testid}` : ""}> "${text}"`;
    };
    const offenders: string[] = [];
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.right <= width + 0.5 || contained(element.parentElement) || hidden(element)) continue;
      offenders.push(`${name(element)} ends at ${Math.round(box.right)} px`);
    }
    // Text that spills out of a box that fits (a long word that does not wrap).
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent?.trim() || contained(parent)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5)
        offenders.push(`text in ${name(parent)} ends at ${Math.round(box.right)} px`);
    }
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth <= width && offenders.length === 0) return null;
    return `page ${scrollWidth} px wide in a ${width} px window; ${offenders.slice(0, 8).join("; ") || "no single element named"}`;
  });
}
