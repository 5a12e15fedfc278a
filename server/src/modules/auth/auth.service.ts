import { In, type DataSource } from "typeorm";
import type { Clock } from "../../platform/clock.ts";
import { hashPassword, verifyPassword } from "../../platform/passwords.ts";
import { ConflictError, UnauthorizedError, ValidationError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { Store } from "../stores/store.entity.ts";
import { Staff } from "../staff/staff.entity.ts";
import { User, UserStore } from "./user.entity.ts";
import { createUserSchema, type CreateUserInput, type UserView } from "./auth.schemas.ts";

// A fixed hash to compare against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async login(username: string, password: string): Promise<UserView> {
    const user = await this.ds.getRepository(User).findOneBy({ username });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.status !== "active") throw new UnauthorizedError("Wrong username or password");
    await this.ds.getRepository(User).update({ id: user.id }, { lastLoginAt: this.clock.now() });
    return this.view(user);
  }

  async findActive(id: number): Promise<UserView | null> {
    const user = await this.ds.getRepository(User).findOneBy({ id, status: "active" });
    return user ? this.view(user) : null;
  }

  async createUser(input: CreateUserInput): Promise<UserView> {
    const data = parseInput(createUserSchema, input, "user");
    const stores = data.storeCodes.length
      ? await this.ds.getRepository(Store).findBy({ code: In(data.storeCodes) })
      : [];
    const missing = data.storeCodes.filter((c) => !stores.some((s) => s.code === c));
    if (missing.length)
      throw new ValidationError(`Unknown store code: ${missing.join(", ")}`, [
        { field: "storeCodes", reason: `unknown: ${missing.join(", ")}` },
      ]);
    if (data.role === "store_manager" && stores.length === 0)
      throw new ValidationError("A store manager needs at least one store", [
        { field: "storeCodes", reason: "is required for store_manager" },
      ]);
    let staffId: number | null = null;
    if (data.staffUserid) {
      const staff = await this.ds.getRepository(Staff).findOneBy({ userid: data.staffUserid });
      if (!staff)
        throw new ValidationError(`Unknown staff userid ${data.staffUserid}`, [
          { field: "staffUserid", reason: "no such staff member" },
        ]);
      staffId = staff.id;
    }
    const passwordHash = await hashPassword(data.password);
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      if (await em.getRepository(User).existsBy({ username: data.username }))
        throw new ConflictError(`User ${data.username} already exists`);
      const user = await em.getRepository(User).save({
        username: data.username,
        passwordHash,
        displayName: data.displayName,
        role: data.role,
        staffId,
        status: "active",
        lastLoginAt: null,
        createdAt: now,
        updatedAt: now,
      });
      if (stores.length)
        await em.getRepository(UserStore).insert(stores.map((s) => ({ userId: user.id, storeId: s.id })));
      return {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        role: user.role,
        storeIds: stores.map((s) => s.id),
      };
    });
  }

  private async view(user: User): Promise<UserView> {
    const links = await this.ds.getRepository(UserStore).findBy({ userId: user.id });
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      storeIds: links.map((l) => l.storeId).sort((a, b) => a - b),
    };
  }
}
