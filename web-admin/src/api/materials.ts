import { http } from "./http";
import type { Paged } from "./types";

export const MATERIAL_TYPES = ["text", "image", "link", "miniprogram", "file"] as const;
export type MaterialType = (typeof MATERIAL_TYPES)[number];

// server/src/modules/materials/material.schemas.ts materialContentSchema
export type MaterialContent =
  | { type: "text"; text: string }
  | { type: "image"; image: string; text?: string }
  | { type: "link"; title: string; desc?: string; url: string; picUrl?: string; text?: string }
  | { type: "miniprogram"; title: string; appid: string; page: string; picUrl: string }
  | { type: "file"; file: string; fileName: string; size: number };

export interface MaterialView {
  id: number;
  title: string;
  type: MaterialType;
  folderId: number | null;
  keywords: string | null;
  content: MaterialContent;
  usageCount: number;
  updatedAt: string | null;
}

export interface MaterialInput {
  title: string;
  folderId?: number | null;
  keywords?: string;
  content: MaterialContent;
}

export interface MaterialFolder {
  id: number;
  parentId: number | null;
  name: string;
  sort: number;
}

export interface MaterialVariable {
  name: string;
  label: string;
  token: string;
}

export interface MaterialQuery {
  q?: string;
  folderId?: number;
  type?: MaterialType;
  page?: number;
  pageSize?: number;
}

export interface UploadedFile {
  path: string;
  size: number;
  type: string;
}

export const searchMaterials = (query: MaterialQuery, signal?: AbortSignal) =>
  http.get<Paged<MaterialView>>("/api/v1/materials", { query: { ...query }, signal });
export const getMaterial = (id: number, signal?: AbortSignal) =>
  http.get<MaterialView>(`/api/v1/materials/${id}`, { signal });
export const createMaterial = (input: MaterialInput) => http.post<MaterialView>("/api/v1/materials", input);
export const updateMaterial = (id: number, input: MaterialInput) =>
  http.put<MaterialView>(`/api/v1/materials/${id}`, input);
export async function archiveMaterial(id: number): Promise<void> {
  await http.delete<void>(`/api/v1/materials/${id}`);
}
export async function listFolders(signal?: AbortSignal): Promise<MaterialFolder[]> {
  return (await http.get<{ items: MaterialFolder[] }>("/api/v1/materials/folders", { signal })).items;
}
export const createFolder = (name: string, parentId: number | null = null) =>
  http.post<MaterialFolder>("/api/v1/materials/folders", { name, parentId });
export async function listVariables(signal?: AbortSignal): Promise<MaterialVariable[]> {
  return (await http.get<{ items: MaterialVariable[] }>("/api/v1/materials/variables", { signal })).items;
}
/** Unsaved content with its variables filled in for a sample customer (the first one followed when none is named). */
export const previewMaterial = (content: MaterialContent, signal?: AbortSignal) =>
  http.post<{ content: MaterialContent; customer: { id: number; name: string } | null }>(
    "/api/v1/materials/preview",
    { content },
    { signal },
  );
export const uploadMaterialFile = (file: File) =>
  http.upload<UploadedFile>("/api/v1/materials/uploads", file, file.type || "application/octet-stream");
