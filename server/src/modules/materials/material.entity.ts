import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, JsonColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

export type MaterialType = "text" | "image" | "link" | "miniprogram" | "file";

@Entity({ name: "material_folders" })
@Index("IDX_material_folders_parent", ["parentId"])
export class MaterialFolder {
  @IdColumn() id: number;
  @IntColumn({ nullable: true }) parentId: number | null;
  @StrColumn(100) name: string;
  @IntColumn({ default: 0 }) sort: number;
  @TimeColumn() createdAt: Date;
}

@Entity({ name: "materials" })
@Index("IDX_materials_folder", ["folderId"])
@Index("IDX_materials_type", ["type"])
export class Material {
  @IdColumn() id: number;
  @IntColumn({ nullable: true }) folderId: number | null;
  @StrColumn(20) type: MaterialType;
  @StrColumn(128) title: string;
  @JsonColumn({ nullable: false }) content: Record<string, unknown>;
  @StrColumn(255, { nullable: true }) keywords: string | null;
  @IntColumn({ default: 0 }) usageCount: number;
  @IntColumn({ nullable: true }) createdBy: number | null;
  @TimeColumn({ nullable: true }) archivedAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
