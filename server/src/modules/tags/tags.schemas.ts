import { z } from "zod";

export const createTagGroupSchema = z.object({
  name: z.string().trim().min(1, "is required").max(30, "at most 30 characters"),
});
export const createTagSchema = z.object({
  groupId: z.coerce.number().int().positive(),
  name: z.string().trim().min(1, "is required").max(30, "at most 30 characters (WeCom's limit)"),
});
export const updateTagSchema = z
  .object({
    name: z.string().trim().min(1).max(30, "at most 30 characters (WeCom's limit)").optional(),
    mirrorToWecom: z.boolean().optional(),
  })
  .refine((v) => v.name !== undefined || v.mirrorToWecom !== undefined, {
    message: "name or mirrorToWecom is required",
  });
export const customerTagSchema = z.object({ tagId: z.coerce.number().int().positive() });
