import { createHash } from "node:crypto";
import { In, type DataSource } from "typeorm";
import type { Limit, RateLimiter } from "../../http/rate-limiter.ts";
import type { Clock } from "../../platform/clock.ts";
import { hashPassword, verifyPassword } from "../../platform/passwords.ts";
import { ConflictError, ForbiddenError, UnauthorizedError, ValidationError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { Store } from "../stores/store.entity.ts";
import { Staff } from "../staff/staff.entity.ts";
import { User, UserStore } from "./user.entity.ts";
import { AuditService, type AuditActor } from "../audit/audit.service.ts";
import { changePasswordSchema, createUserSchema, type CreateUserInput, type UserView } from "./auth.schemas.ts";

// A fixed hash to compare against when the user does not exist, so timing does not reveal it.
const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/**
 * A short fingerprint of the password hash that admin sessions carry: changing the password
 * changes it, which ends every other session of that user (sessions are stateless signed cookies).
 */
export function passwordVersion(passwordHash: string): string {
  return createHash("sha256").update(passwordHash).digest("base64url").slice(0, 16);
}

export class AuthService {
  private readonly audit: AuditService;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    audit?: AuditService,
    private readonly limiter?: { limiter: RateLimiter; limit: Limit },
  ) {
    this.audit = audit ?? new AuditService(ds, clock);
  }

  /**
   * The user and the password version their session cookie must carry. Failed attempts are
   * counted; past the limit every attempt is refused (429) until the window ends, right password
   * or not, so guessing stays slow across instances.
   */
  async login(username: string, password: string, from = "unknown"): Promise<UserView & { passwordVersion: string }> {
    // per username and address, so nobody can lock a user out from elsewhere; per address, ten
    // times that, against guessing many usernames (behind a proxy, set TRUST_PROXY)
    const limit = this.limiter?.limit;
    const buckets: [string, Limit][] = limit
      ? [
          [`login:${from.slice(0, 60)}:${username.toLowerCase().slice(0, 100)}`, limit],
          [`login:${from.slice(0, 60)}`, { ...limit, max: limit.max * 10 }],
        ]
      : [];
    for (const [b, l] of buckets) await this.limiter!.limiter.check(b, l);
    const user = await this.ds.getRepository(User).findOneBy({ username });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.status !== "active") {
      for (const [b, l] of buckets) await this.limiter!.limiter.record(b, l);
      throw new UnauthorizedError("Wrong username or password");
    }
    // guides work in the chat sidebar (their session comes from WeCom), never in the admin center
    if (user.role === "staff")
      throw new ForbiddenError(
        "Guides use the chat sidebar inside WeCom; the admin center is for HQ and store managers",
      );
    await this.ds.getRepository(User).update({ id: user.id }, { lastLoginAt: this.clock.now() });
    return { ...(await this.view(user)), passwordVersion: passwordVersion(user.passwordHash) };
  }

  async findActive(id: number): Promise<UserView | null> {
    const user = await this.ds.getRepository(User).findOneBy({ id, status: "active" });
    return user ? this.view(user) : null;
  }

  /** The user behind a session cookie, or null when disabled or the password changed since. */
  async findSessionUser(id: number, version: string | undefined): Promise<UserView | null> {
    const user = await this.ds.getRepository(User).findOneBy({ id, status: "active" });
    return user && version === passwordVersion(user.passwordHash) ? this.view(user) : null;
  }

  /**
   * Changes the signed-in user's password after checking the current one (a wrong one is a 400 on
   * `currentPassword`). Returns the new password version: the caller re-issues its own session with
   * it; every other session of the user stops working.
   */
  async changePassword(userId: number, input: unknown, actor: AuditActor): Promise<string> {
    const data = parseInput(changePasswordSchema, input, "password change");
    const user = await this.ds.getRepository(User).findOneBy({ id: userId, status: "active" });
    if (!user) throw new UnauthorizedError();
    if (!(await verifyPassword(data.currentPassword, user.passwordHash)))
      throw new ValidationError("The current password is wrong", [{ field: "currentPassword", reason: "is wrong" }]);
    const passwordHash = await hashPassword(data.newPassword);
    await this.ds.transaction(async (em) => {
      await em.getRepository(User).update({ id: userId }, { passwordHash, updatedAt: this.clock.now() });
      await this.audit.record(actor, "user.password_change", { entity: "user", id: userId }, null, em);
    });
    return passwordVersion(passwordHash);
  }

  /** Creates an account; `actor` is who did it (the CLI when omitted). */
  async createUser(input: CreateUserInput, actor: AuditActor = { type: "cli", id: null }): Promise<UserView> {
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
      await this.audit.record(
        actor,
        "user.create",
        { entity: "user", id: user.id },
        { username: user.username, role: user.role, storeCodes: stores.map((s) => s.code) },
        em,
      );
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
