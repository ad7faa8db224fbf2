/**
 * A small reader for the subset of RSS 2.0 and Atom 1.0 a headline needs: item/entry with title, link, guid/id,
 * pubDate/updated/published and description/summary. Hand-written because no XML parser both fits a Worker (no DOM,
 * no Node APIs) and stays small; it reads CDATA, comments, processing instructions and entities, ignores DTDs (so no
 * entity expansion attacks), and bounds the items per feed, the nesting depth and every field's length.
 */

export const FEED_LIMITS = { items: 100, depth: 32, title: 300, summary: 500, link: 1_000, guid: 1_000 } as const;

export type FeedItem = {
  title: string;
  /** Canonical absolute http(s) link. */
  link: string;
  /** guid (RSS) or id (Atom); the link when the feed gives none. */
  guid: string;
  /** Epoch ms; null when the feed gives no readable date. */
  publishedAt: number | null;
  summary: string;
};

/** What the parser could not use, one line each (logged by the caller, never fatal). */
export type ParsedFeed = { format: "rss" | "atom" | "unknown"; items: FeedItem[]; skipped: string[] };

type Element = { name: string; attrs: Record<string, string>; children: Element[]; text: string };

export function parseFeed(xml: string): ParsedFeed {
  const root = parseElements(xml);
  const top = root.children[0];
  const local = top ? localName(top.name) : "";
  const format = local === "rss" || local === "rdf" ? "rss" : local === "feed" ? "atom" : "unknown";
  const skipped: string[] = [];
  if (format === "unknown") return { format, items: [], skipped: ["not an RSS or Atom document"] };
  const entries = collect(top as Element, format === "rss" ? "item" : "entry");
  const items: FeedItem[] = [];
  for (const [index, entry] of entries.entries()) {
    if (items.length >= FEED_LIMITS.items) {
      skipped.push(`more than ${FEED_LIMITS.items} items; the rest are ignored`);
      break;
    }
    const item = format === "rss" ? rssItem(entry) : atomEntry(entry);
    if (typeof item === "string") skipped.push(`item ${index + 1}: ${item}`);
    else items.push(item);
  }
  return { format, items, skipped };
}

function rssItem(item: Element): FeedItem | string {
  const title = cleanText(childText(item, "title"), FEED_LIMITS.title);
  const link = canonicalLink(childText(item, "link"));
  if (!title) return "no title";
  if (!link) return "no http(s) link";
  const guid = bounded(childText(item, "guid").trim(), FEED_LIMITS.guid) || link;
  const date = childText(item, "pubDate") || childText(item, "dc:date") || childText(item, "date");
  const summary = cleanText(childText(item, "description"), FEED_LIMITS.summary);
  return { title, link, guid, publishedAt: parseDate(date), summary };
}

function atomEntry(entry: Element): FeedItem | string {
  const title = cleanText(childText(entry, "title"), FEED_LIMITS.title);
  const links = entry.children.filter((c) => localName(c.name) === "link");
  const alternate = links.find((l) => (l.attrs.rel ?? "alternate") === "alternate") ?? links[0];
  const link = canonicalLink(alternate?.attrs.href ?? "");
  if (!title) return "no title";
  if (!link) return "no http(s) link";
  const guid = bounded(childText(entry, "id").trim(), FEED_LIMITS.guid) || link;
  const date = childText(entry, "published") || childText(entry, "updated");
  const summary = cleanText(childText(entry, "summary") || childText(entry, "content"), FEED_LIMITS.summary);
  return { title, link, guid, publishedAt: parseDate(date), summary };
}

/** Items anywhere below the root (RSS puts them in channel, RSS 1.0 beside it, Atom directly in feed). */
function collect(element: Element, name: string, found: Element[] = []): Element[] {
  for (const child of element.children) {
    if (localName(child.name) === name) found.push(child);
    else collect(child, name, found);
    if (found.length > FEED_LIMITS.items) break;
  }
  return found;
}

/** A direct child's text: an exact (prefixed) name first, else the first child with that local name and no prefix. */
function childText(element: Element, name: string): string {
  const exact = element.children.find((c) => c.name === name);
  if (exact) return exact.text;
  if (name.includes(":")) return "";
  return element.children.find((c) => localName(c.name) === name && !c.name.includes(":"))?.text ?? "";
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return (colon === -1 ? name : name.slice(colon + 1)).toLowerCase();
}

/**
 * Elements with their text (CDATA and entities decoded). Unclosed or mismatched tags close what is open, so a
 * truncated feed still yields the items before the break.
 */
function parseElements(xml: string): Element {
  const root: Element = { name: "#root", attrs: {}, children: [], text: "" };
  const stack: Element[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const top = stack[stack.length - 1] as Element;
    if (lt === -1) {
      top.text += decodeEntities(xml.slice(i));
      break;
    }
    if (lt > i) appendText(top, decodeEntities(xml.slice(i, lt)));
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      appendText(top, xml.slice(lt + 9, end === -1 ? xml.length : end));
      i = end === -1 ? xml.length : end + 3;
    } else if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      i = end === -1 ? xml.length : end + 3;
    } else if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt + 2);
      i = end === -1 ? xml.length : end + 2;
    } else if (xml.startsWith("<!", lt)) {
      // A DOCTYPE (possibly with an internal subset in brackets): skipped whole, its entities never expanded.
      i = skipDeclaration(xml, lt);
    } else if (xml[lt + 1] === "/") {
      const end = xml.indexOf(">", lt);
      const name = xml.slice(lt + 2, end === -1 ? xml.length : end).trim();
      const open = stack.findLastIndex((e) => e.name === name);
      if (open > 0) stack.length = open;
      i = end === -1 ? xml.length : end + 1;
    } else {
      const end = tagEnd(xml, lt);
      const raw = xml.slice(lt + 1, end);
      const selfClosing = raw.endsWith("/");
      const body = selfClosing ? raw.slice(0, -1) : raw;
      const name = /^[^\s/>]+/.exec(body)?.[0] ?? "";
      i = end + 1;
      if (!name) continue;
      const element: Element = { name, attrs: parseAttributes(body.slice(name.length)), children: [], text: "" };
      if (stack.length > FEED_LIMITS.depth) continue;
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  return root;
}

/** Text is kept only up to a bound per element, so a huge description cannot grow memory without limit. */
function appendText(element: Element, text: string): void {
  if (element.text.length < 8 * FEED_LIMITS.summary) element.text += text;
}

/** The `>` ending a tag, skipping quoted attribute values (which may contain `>`). */
function tagEnd(xml: string, from: number): number {
  let quote = "";
  for (let j = from + 1; j < xml.length; j++) {
    const ch = xml[j];
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ">") return j;
  }
  return xml.length;
}

function skipDeclaration(xml: string, from: number): number {
  let depth = 0;
  for (let j = from + 2; j < xml.length; j++) {
    const ch = xml[j];
    if (ch === "[") depth++;
    else if (ch === "]") depth--;
    else if (ch === ">" && depth <= 0) return j + 1;
  }
  return xml.length;
}

function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of source.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const name = match[1] as string;
    attrs[name] = decodeEntities(match[2] ?? match[3] ?? "");
  }
  return attrs;
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  hellip: "…",
  euro: "€",
  pound: "£",
  copy: "©",
  reg: "®",
  trade: "™",
};

export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, entity: string) => {
    if (entity.startsWith("#")) {
      const code =
        entity[1] === "x" || entity[1] === "X" ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : "";
    }
    return NAMED[entity] ?? whole;
  });
}

/**
 * Display text: titles and descriptions are often HTML (escaped or in CDATA), so tags are removed and then HTML's
 * entities decoded; whitespace collapsed, control characters dropped, cut to `max` characters.
 */
function cleanText(raw: string, max: number): string {
  const text = decodeEntities(raw.replace(/<[^>]*>/g, " "))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed.
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return bounded(text, max);
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** An absolute http(s) link without its fragment and tracking parameters; "" for anything else (javascript:, …). */
export function canonicalLink(raw: string): string {
  let url: URL;
  try {
    url = new URL(decodeEntities(raw.trim()));
  } catch {
    return "";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "";
  if (url.username || url.password) return "";
  url.hash = "";
  for (const name of [...url.searchParams.keys()])
    if (name.toLowerCase().startsWith("utm_") || name === "ref") url.searchParams.delete(name);
  const link = url.toString();
  return link.length <= FEED_LIMITS.link ? link : "";
}

/** RFC 822 (RSS) and ISO 8601 (Atom) dates; null when unreadable. */
function parseDate(raw: string): number | null {
  const text = raw.trim();
  if (!text || text.length > 64) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}
