import type { Page } from "@playwright/test";

/**
 * Finds numbers a page shows outside its language's format (issue #17, item 3): in English a comma decimal, Russian
 * space grouping or 4+ integer digits without commas; in Russian a decimal point between digits or 5+ integer digits
 * without spaces (Russian leaves 4-digit numbers ungrouped, as Intl does); in both float noise (more decimals than
 * the widest rule, 6 for BTC), cash in USDT/USDC/USD without exactly 2 decimals, a "$" sign, and a percent sign
 * written the other language's way. Dates, times, emails, addresses, versions and what users or the engine wrote
 * (order ids, reasons, AI texts, headlines) are not figures and are left out.
 */

export type Language = "en" | "ru";

/** Elements whose text is not a figure the UI formats: typed, identifiers, links, or prose from elsewhere. */
const NOT_FIGURES = [
  "time",
  "code",
  "pre",
  "a",
  "script",
  "style",
  "textarea",
  "select",
  "option",
  "input",
  "svg",
  // Reasons and summaries come from the engine and the AI as text (engine texts as codes is another item).
  "[data-testid=order-reason]",
  "[data-testid=status-reason]",
  "[data-testid=status-notice-reason]",
  "[data-testid=run-summary]",
  "[data-testid=run-progress]",
  ".rationale",
  ".reason",
  ".instructions",
  "[data-testid=run-raw]",
  "[data-testid=run-signals] a",
  // Key labels in the admin's user list: what each user named their keys (other tests put timestamps in them).
  "[data-testid=admin-user-row] .badge",
].join(", ");

/** Each element's own text (its text nodes joined), with where it is, for every element under `main`. */
async function ownTexts(page: Page): Promise<{ where: string; text: string }[]> {
  return page.evaluate((excluded) => {
    const found: { where: string; text: string }[] = [];
    for (const element of document.querySelectorAll("main *")) {
      if (element.closest(excluded)) continue;
      const text = [...element.childNodes]
        .map((node) => (node.nodeType === Node.TEXT_NODE ? (node.textContent ?? "") : " | "))
        .join("")
        .trim();
      if (!/\d/.test(text)) continue;
      const marked = element.closest("[data-testid]")?.getAttribute("data-testid");
      const heading = element.closest("section, [role=region], article")?.querySelector("h2, h3")?.textContent;
      found.push({ where: `${heading?.trim() ?? ""} ${marked ?? element.tagName.toLowerCase()}`.trim(), text });
    }
    return found;
  }, NOT_FIGURES);
}

const NOT_NUMBERS = [
  /\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}/g,
  /\d{1,2} [а-яё]{3,}\.? \d{4}\s?г\./g,
  /\b\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?/g,
  /\b\d{1,2}[./]\d{1,2}[./]\d{4}\b/g,
  /\S+@\S+/g,
  // A key's masked ending ("••••0001").
  /[•*]+\S+/g,
  /\bhttps?:\/\/\S+/g,
  // Versions and IP addresses (the app's version, a session's browser and address).
  /\d+(?:\.\d+){2,}/g,
];

const NUMBER = /[+\-−]?\d(?:[\d,.\u00a0\u202f]*\d)?/g;
const GROUP = /[\u00a0\u202f]/;
/** The widest quantity rule (BTC): no figure needs more decimals, or more significant digits below 1. */
const MOST_DECIMALS = 6;

/** What is wrong with one number as written in `language`, or null. */
export function numberProblem(token: string, language: Language): string | null {
  const unsigned = token.replace(/^[+\-−]/, "");
  const decimal = language === "en" ? "." : ",";
  const group = language === "en" ? "," : null;
  if (language === "en" && GROUP.test(unsigned)) return "grouped with spaces, as Russian writes";
  if (language === "ru" && /\d\.\d/.test(unsigned)) return "a decimal point between digits";
  const parts = unsigned.split(decimal);
  if (parts.length > 2) return "more than one decimal mark";
  const [integer = "", fraction = ""] = parts;
  if (group && integer.includes(group) && !/^\d{1,3}(,\d{3})+$/.test(integer)) return "a comma that is no grouping";
  if (!group && /[\u00a0\u202f]/.test(integer) && !/^\d{1,3}([\u00a0\u202f]\d{3})+$/.test(integer))
    return "spaces that are no grouping";
  const digits = integer.replace(/\D/g, "");
  const ungrouped = integer === digits;
  if (ungrouped && digits.length >= (language === "en" ? 4 : 5))
    return `${digits.length} integer digits without grouping`;
  const significant = /^0+$/.test(digits) ? fraction.replace(/^0+/, "").length : fraction.length;
  if (significant > MOST_DECIMALS) return `${fraction.length} decimals (float noise or a raw venue string)`;
  return null;
}

/** The decimals of a number as written in `language` ("1,234.50" → 2 in English). */
export function decimalsIn(token: string, language: Language): number {
  return token.split(language === "en" ? "." : ",")[1]?.replace(/\D.*$/, "").length ?? 0;
}

/** What is wrong with a text's figures: each number, its cash amounts, its percent signs. */
export function textProblems(text: string, language: Language): string[] {
  const clean = NOT_NUMBERS.reduce((rest, pattern) => rest.replace(pattern, " "), text);
  const problems: string[] = [];
  for (const [token] of clean.matchAll(NUMBER)) {
    const problem = numberProblem(token, language);
    if (problem) problems.push(`"${token}": ${problem}`);
  }
  for (const [whole, amount = ""] of clean.matchAll(/([\d,.\u00a0\u202f]*\d)\s?(?:USDT|USDC|USD)\b/g)) {
    const value = Number(
      amount.replace(/[\u00a0\u202f]/g, "").replace(language === "en" ? /,/g : ",", language === "en" ? "" : "."),
    );
    // AI costs keep the fractions of a cent a decision costs.
    if (decimalsIn(amount, language) !== 2 && !(value > 0 && value < 0.01))
      problems.push(`"${whole}": cash without 2 decimals`);
  }
  if (/\$\s?\d|\d\s?\$/.test(clean)) problems.push("a dollar sign: cash is written with its code after the number");
  if (language === "en" && /\d\s+%/.test(clean)) problems.push("a space before % in English");
  if (language === "ru" && /\d%/.test(clean)) problems.push("no space before % in Russian");
  return problems;
}

/** Every figure on the page that breaks its language's format, with where it is. */
export async function pageNumberProblems(page: Page, language: Language): Promise<string[]> {
  const texts = await ownTexts(page);
  return texts.flatMap(({ where, text }) =>
    textProblems(text, language).map(
      (problem) => `${where}: ${problem} in "${text.replace(/\s+/g, " ").slice(0, 80)}"`,
    ),
  );
}
