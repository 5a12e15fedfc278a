import type { DataSource } from "typeorm";
import type { Clock } from "../../platform/clock.ts";
import { Setting } from "./setting.entity.ts";

/** Key/value settings stored in the database (the environment wins where both exist). */
export class SettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async get<T>(name: string, fallback: T): Promise<T> {
    const row = await this.ds.getRepository(Setting).findOneBy({ name });
    return row ? (row.value as T) : fallback;
  }

  async set(name: string, value: unknown, updatedBy: string | null = null): Promise<void> {
    const repo = this.ds.getRepository(Setting);
    const row = { name, value: value as object, updatedBy, updatedAt: this.clock.now() };
    if (await repo.existsBy({ name })) await repo.update({ name }, row);
    else await repo.insert(row);
  }
}
