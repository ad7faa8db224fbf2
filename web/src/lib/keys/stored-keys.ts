import { api } from "#lib/api/client.ts";
import { Resource } from "#lib/api/resource.svelte.ts";

/** The user's exchange keys (masked), as a resource the caller loads with `reload()`. */
export const exchangeKeys = () =>
  new Resource(async () => {
    const { data, error } = await api.GET("/api/keys/exchange");
    return error === undefined ? { data: data.keys } : { error };
  });

/** The user's AI keys (masked, one per provider), as a resource the caller loads with `reload()`. */
export const aiKeys = () =>
  new Resource(async () => {
    const { data, error } = await api.GET("/api/keys/ai");
    return error === undefined ? { data: data.keys } : { error };
  });

/** AI keys an administrator shared with the user (never the keys), with this month's budget left. */
export const sharedAiKeys = () =>
  new Resource(async () => {
    const { data, error } = await api.GET("/api/keys/ai/shared");
    return error === undefined ? { data: data.keys } : { error };
  });
