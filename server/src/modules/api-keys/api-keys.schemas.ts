import { z } from "zod";

export const API_KEY_SCOPES = ["orders:write"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, "is required").max(100, "at most 100 characters"),
  scopes: z
    .array(z.enum(API_KEY_SCOPES, `must be one of ${API_KEY_SCOPES.join(", ")}`))
    .min(1, "needs at least one scope")
    .default(["orders:write"]),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const apiKeyListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(50),
});

export const idParam = z.object({ id: z.coerce.number().int().positive("must be a positive id") });

/** What the admin center sees of a key: never the secret, never its hash. */
export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The key behind an API request. */
export interface ApiKeyPrincipal {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
}
