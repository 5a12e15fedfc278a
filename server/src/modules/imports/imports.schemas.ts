import { z } from "zod";

export const IMPORT_KINDS = ["customers", "orders"] as const;

export const importListQuery = z.object({
  page: z.coerce.number().int().min(1, "must be 1 or more").default(1),
  pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(20),
  kind: z.enum(IMPORT_KINDS, "must be customers or orders").optional(),
});

export const uploadQuery = z.object({
  filename: z.string().trim().min(1).max(255, "at most 255 characters").optional(),
});

export const importIdParam = z.object({ id: z.coerce.number().int().positive("must be a positive id") });

/** Largest CSV the admin center accepts in one upload. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
