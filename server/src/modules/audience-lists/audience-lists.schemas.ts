import { z } from "zod";

export const listUploadQuery = z.object({
  name: z.string().trim().min(1, "is required").max(100, "at most 100 characters").optional(),
  filename: z.string().trim().min(1).max(255, "at most 255 characters").optional(),
});

export const listIdParam = z.object({ id: z.coerce.number().int().positive("must be a positive id") });
