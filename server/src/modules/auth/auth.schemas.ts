import { z } from "zod";

export const loginSchema = z.object({
  username: z.string().trim().min(1, "is required").max(64),
  password: z.string().min(1, "is required").max(200),
});

export const createUserSchema = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{3,64}$/, "must be 3-64 letters, digits, dot, dash or underscore"),
  password: z.string().min(8, "must be at least 8 characters").max(200),
  displayName: z.string().trim().min(1).max(100),
  role: z.enum(["hq_admin", "hq_operator", "store_manager", "staff"]),
  storeCodes: z.array(z.string().min(1)).default([]),
  staffUserid: z.string().min(1).optional(),
});

export type CreateUserInput = z.input<typeof createUserSchema>;

/** What the admin front end sees of the signed-in user. */
export interface UserView {
  id: number;
  username: string;
  displayName: string;
  role: "hq_admin" | "hq_operator" | "store_manager" | "staff";
  storeIds: number[];
}
