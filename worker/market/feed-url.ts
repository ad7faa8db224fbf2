/**
 * The host policy for news and sentiment feeds, which the operator configures and the cron fetches unattended: an
 * https URL on the default port, or a host the operator listed in EXCHANGE_EXTRA_HOSTS (the local simulator), like
 * custom exchange base URLs. No credentials in the URL. Returns the URL or why it is refused.
 */
export function checkedFeedUrl(raw: string, extraHosts: readonly string[]): { url: URL } | { refused: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: "not a URL" };
  }
  if (url.username || url.password) return { refused: "credentials in the URL are not allowed" };
  if (extraHosts.includes(url.host.toLowerCase()) && (url.protocol === "https:" || url.protocol === "http:"))
    return { url };
  if (url.protocol !== "https:") return { refused: "only https URLs are allowed" };
  if (url.port !== "") return { refused: "only the default https port (443) is allowed" };
  return { url };
}
