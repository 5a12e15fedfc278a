/**
 * Posting into a customer group through the group bot, for other modules (group SOPs). ok:false
 * with a reason when the bot is not running, the group is not mapped to a bot room, or the
 * puppet refuses.
 */
export interface GroupPoster {
  post(groupId: number, text: string): Promise<{ ok: boolean; reason?: string }>;
}

/** The poster when no bot is configured (WECHATY_PUPPET unset). */
export const noGroupPoster: GroupPoster = {
  post: async () => ({ ok: false, reason: "bot not running" }),
};
