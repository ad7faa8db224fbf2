/** Where to go after signing in: only a path of this app, never another origin (`//host`, `/\host`) or /signin. */
export function safeNext(next: string | null): string {
  if (!next?.startsWith("/") || /^\/[/\\]/.test(next) || next.startsWith("/signin")) return "/";
  return next;
}
