import type { RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import type { Principal } from "./context.ts";
import type { SecurityRequirement } from "./openapi-security.ts";

type RouteDefinitions = readonly { type: string; route?: RouteConfig }[];

/**
 * Enforces each route's OpenAPI `security` before anything reads its input: an anonymous caller of a protected route
 * gets 401 and a caller without the right kind of credential or scope gets 403, whatever it sent, so validation
 * details are only ever shown to callers allowed to use the route. Routes without `security` are public.
 * The table is built from the app's OpenAPI registry on first use, so a new route is covered by declaring it.
 */
export function requireRouteSecurity(definitions: () => RouteDefinitions): MiddlewareHandler<AppEnv> {
  let table: Map<string, SecurityRequirement[]> | undefined;
  return async (c, next) => {
    table ??= securityTable(definitions());
    const requirements = table.get(routeKey(c));
    if (requirements?.length) authorize(requirements, c.var.principal);
    await next();
  };
}

function securityTable(definitions: RouteDefinitions): Map<string, SecurityRequirement[]> {
  const table = new Map<string, SecurityRequirement[]>();
  for (const { route } of definitions) {
    if (!route?.security) continue;
    // Hono routes name path parameters `:id` where OpenAPI writes `{id}`.
    const path = route.path.replaceAll(/\{(\w+)\}/g, ":$1");
    table.set(`${route.method.toUpperCase()} ${path}`, route.security as SecurityRequirement[]);
  }
  return table;
}

/** The route that will answer: the last matched handler registered for a method (middleware match every method). */
function routeKey(c: Context<AppEnv>): string {
  const route = matchedRoutes(c).findLast((r) => r.method !== "ALL");
  return route ? `${route.method} ${route.path}` : "";
}

function authorize(requirements: SecurityRequirement[], principal: Principal | null): void {
  if (!principal) throw new ApiError("unauthorized", "Sign in first.");
  if (requirements.some((requirement) => satisfies(requirement, principal))) return;
  if (principal.kind === "session") throw new ApiError("forbidden", "Only administrators can do this.");
  const tokenScopes = requirements.flatMap((requirement) => requirement.bearerToken ?? []);
  if (principal.kind === "token" && requirements.some((requirement) => requirement.bearerToken))
    throw new ApiError("forbidden", `This API token lacks the "${tokenScopes.join('", "')}" scope.`);
  throw new ApiError("forbidden", "This action needs a signed-in browser session; API tokens cannot do it.");
}

function satisfies(requirement: SecurityRequirement, principal: Principal): boolean {
  // A session's roles: "admin" for administrators; a session may use any token scope.
  if (principal.kind === "session")
    return requirement.sessionCookie?.every((role) => role === principal.user.role) ?? false;
  const scopes = requirement.bearerToken;
  return scopes?.every((scope) => (principal.scopes as string[]).includes(scope)) ?? false;
}
