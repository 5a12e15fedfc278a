import { z } from "zod";

const url = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2048);
/** our own uploads are referenced by their path */
const asset = z.union([
  url,
  z.string().regex(/^\/uploads\/[a-f0-9]{64}\.[a-z0-9]{2,5}$/, "must be an uploaded file or an http(s) URL"),
]);

// Byte limits follow WeCom's message limits (wecom.md §5.1 / §9).
const bytes = (max: number) => (s: string) => Buffer.byteLength(s) <= max;

export const materialContentSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("text"),
    text: z.string().min(1, "is required").refine(bytes(4000), "at most 4000 bytes"),
  }),
  z.object({
    type: z.literal("image"),
    image: asset,
    text: z.string().refine(bytes(4000), "at most 4000 bytes").optional(),
  }),
  z.object({
    type: z.literal("link"),
    title: z.string().min(1, "is required").refine(bytes(128), "at most 128 bytes"),
    desc: z.string().refine(bytes(512), "at most 512 bytes").optional(),
    url,
    picUrl: asset.optional(),
    text: z.string().refine(bytes(4000), "at most 4000 bytes").optional(),
  }),
  z.object({
    type: z.literal("miniprogram"),
    title: z.string().min(1, "is required").refine(bytes(64), "at most 64 bytes"),
    appid: z.string().regex(/^wx[0-9a-f]{16}$/, "must be a mini program appid (wx + 16 hex)"),
    page: z.string().min(1, "is required").max(256),
    picUrl: asset,
  }),
  z.object({
    type: z.literal("file"),
    file: asset,
    fileName: z.string().min(1).max(128),
    size: z.number().int().min(0),
  }),
]);

export const saveMaterialSchema = z.object({
  title: z.string().trim().min(1, "is required").max(128),
  folderId: z.number().int().positive().nullable().optional(),
  keywords: z.string().trim().max(255).optional(),
  content: materialContentSchema,
});

export const previewMaterialSchema = z.object({
  content: materialContentSchema,
  customerId: z.number().int().positive().optional(),
});

export const materialQuery = z.object({
  q: z.string().trim().max(64).optional(),
  folderId: z.coerce.number().int().positive().optional(),
  type: z.enum(["text", "image", "link", "miniprogram", "file"]).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const folderSchema = z.object({
  name: z.string().trim().min(1, "is required").max(100),
  parentId: z.number().int().positive().nullable().optional(),
});

export type MaterialContent = z.infer<typeof materialContentSchema>;
