/** The `content` of a JSON request body or response in createRoute. */
export const jsonContent = <T>(schema: T) => ({ "application/json": { schema } });
