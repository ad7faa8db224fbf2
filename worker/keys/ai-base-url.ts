import { fieldIssue } from "../http/field-issue.ts";

/**
 * Where an AI key with its own base URL sends its requests, under the policy exchange custom URLs follow
 * (worker/exchanges/endpoints.ts): https on the default port, no credentials, query or fragment, and no loopback,
 * private, link-local or intranet host, except the operator's EXCHANGE_EXTRA_HOSTS (the simulator, a self-hosted
 * gateway), which are allowed as listed (host and port). Unlike a venue, an OpenAI-compatible endpoint can be any
 * public host, so the rule refuses what is local rather than listing what is allowed. The key, the prompt and the
 * portfolio go to this URL, and redirects are never followed (transport.ts, models.ts, ai-key-verifier.ts), so a
 * public host cannot bounce them to an internal one.
 */

const LOCAL_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|.*\.home\.arpa)$/i;

/** The normalised base URL (origin + path, no trailing slash), or a reason it is refused. */
export function aiBaseUrlProblem(
  raw: string,
  extraHosts: string[],
): { url: string } | { problem: string; privateHost?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: "not a valid URL." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { problem: "it must be an https URL." };
  if (url.username || url.password || url.search || url.hash)
    return { problem: "it must not carry credentials, a query or a fragment." };
  const normalised = url.origin + url.pathname.replace(/\/+$/, "");
  if (extraHosts.includes(url.host.toLowerCase())) return { url: normalised };
  if (url.protocol !== "https:") return { problem: `${url.origin} is not allowed: use https.` };
  if (url.port !== "") return { problem: `${url.origin} is not allowed: only the default https port (443).` };
  if (isLocalHost(url.hostname))
    return {
      problem: `${url.hostname} is a local or private address; only public hosts are allowed.`,
      privateHost: url.hostname,
    };
  return { url: normalised };
}

/** As aiBaseUrlProblem, for a request: a 400 naming the field. */
export function checkedAiBaseUrl(raw: string, extraHosts: string[], field = "json.baseUrl"): string {
  const checked = aiBaseUrlProblem(raw, extraHosts);
  if ("url" in checked) return checked.url;
  throw baseUrlIssue(field, checked, `baseUrl: ${checked.problem}`);
}

/** The refusal as an issue on `field`; a private host is named, so the form can say which host it refused. */
export function baseUrlIssue(field: string, checked: { problem: string; privateHost?: string }, summary: string) {
  if (checked.privateHost)
    return fieldIssue(field, "base_url_private_host", checked.problem, {
      params: { host: checked.privateHost },
      summary,
    });
  return fieldIssue(field, "base_url_not_allowed", checked.problem, { summary });
}

function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (LOCAL_NAMES.test(host)) return true;
  if (host.includes(":")) return isLocalIpv6(host);
  const octets = host.split(".");
  const isIpv4 = octets.length === 4 && octets.every((o) => /^\d{1,3}$/.test(o));
  // A name without a dot is an intranet name (or a number the URL parser would have turned into an IPv4 address).
  if (!isIpv4) return !host.includes(".");
  const [a = 0, b = 0] = octets.map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isLocalIpv6(host: string): boolean {
  if (host === "::" || host === "::1") return true;
  // IPv4-mapped (::ffff:a.b.c.d, written in hex by the URL parser): judged as its IPv4 address would be.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? "0", 16);
    const low = Number.parseInt(mapped[2] ?? "0", 16);
    return isLocalHost(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return /^(fc|fd|fe8|fe9|fea|feb)/.test(host);
}
