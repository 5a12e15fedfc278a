import { z } from "zod";

export const loginSchema = z.object({
  username: z.string().trim().min(1, "is required").max(64),
  password: z.string().min(1, "is required").max(200),
});

export const MIN_PASSWORD_LENGTH = 8;

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "is required").max(200),
    newPassword: z
      .string()
      .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
      .max(200, "at most 200 characters"),
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "must differ from the current password",
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

export const createUserSchema = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{3,64}$/, "must be 3-64 letters, digits, dot, dash or underscore"),
  password: z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
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
