/** ¥ amount from integer cents, e.g. 123456 -> "¥1,234.56". */
export function formatMoney(cents: number | null | undefined): string {
  const value = (cents ?? 0) / 100;
  return `¥${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A UTC ISO time shown in China time as "MM-DD HH:mm" (or "YYYY-MM-DD" with `dateOnly`). */
export function formatTime(iso: string | null | undefined, dateOnly = false): string {
  if (!iso) return "";
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  if (Number.isNaN(d.getTime())) return "";
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return dateOnly ? date : `${date.slice(5)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
