/**
 * Posts a text into a customer group as the corp's group bot. The bot module exposes the same
 * interface (server/src/modules/bot/group-poster.ts); it is declared here as well so that group
 * SOPs do not depend on the bot being built. `ok: false` carries a reason the owner can read.
 */
export interface GroupPoster {
  post(groupId: number, text: string): Promise<{ ok: boolean; reason?: string }>;
}
