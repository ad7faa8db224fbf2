import { User } from "./auth.ts";
import { AiProvider, ExchangeEnvironment, KeyStatus, Venue } from "./keys.ts";
import * as z from "./zod.ts";

export const AdminUser = User.extend({
  exchangeKeys: z.array(
    z.object({ id: z.string(), venue: Venue, environment: ExchangeEnvironment, label: z.string(), status: KeyStatus }),
  ),
  aiKeys: z.array(z.object({ provider: AiProvider, status: KeyStatus })),
}).openapi("AdminUser", { description: "A user and which keys they have; never the keys themselves" });
export type AdminUser = z.infer<typeof AdminUser>;

export const AdminUserPage = z
  .object({
    items: z.array(AdminUser),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .openapi("AdminUserPage");
export type AdminUserPage = z.infer<typeof AdminUserPage>;

export const PageQuery = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1)
    .openapi({ param: { name: "page", in: "query" } }),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: "pageSize", in: "query" } }),
});

export const SecretRotation = z
  .object({
    keyVersion: z.number().int(),
    exchangeKeys: z.number().int(),
    aiKeys: z.number().int(),
    totpSecrets: z.number().int(),
    notificationChannels: z.number().int(),
    unreadable: z
      .number()
      .int()
      .openapi({
        description:
          "Records no configured master opens: sealed with a version not configured, or passed over by this rotation " +
          "because they failed to decrypt (damaged, or a wrong master). Their owners must enter those keys again.",
      }),
    skipped: z
      .array(
        z.object({
          kind: z.enum(["exchange_key", "ai_key", "totp_secret", "notification_channel"]),
          recordId: z.string(),
          userId: z.string(),
        }),
      )
      .openapi({ description: "The records this call could not decrypt and passed over (ids only)" }),
    cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass it as `?cursor=` to the next call to go on from here; null once done" }),
    done: z.boolean().openapi({ description: "False when more records remain: call again with `cursor`" }),
  })
  .openapi("SecretRotation");

export const RotationQuery = z.object({
  cursor: z
    .string()
    .regex(
      /^(exchange_keys|ai_keys|users|notification_channels):[\w-]{0,100}$/,
      "pass the cursor the previous call answered",
    )
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "From the previous call; omit to start a pass" }),
});
