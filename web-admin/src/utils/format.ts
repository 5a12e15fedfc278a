// Number formatting is locale-independent on purpose: "3,000" and "¥1,234.50" read the
// same in Chinese and English, and browser tests can rely on the exact text.

const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 3000 -> "3,000" */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** Integer cents -> "¥1,234.56"; negative amounts as "-¥1.00". */
export function formatCents(cents: number): string {
  // Integer arithmetic only, so large amounts never pick up float rounding.
  const whole = Math.round(Math.abs(cents));
  const fraction = String(whole % 100).padStart(2, "0");
  return `${cents < 0 ? "-" : ""}¥${countFormat.format(Math.floor(whole / 100))}.${fraction}`;
}

/** Integer cents -> yuan as a plain number (for charts). */
export function centsToYuan(cents: number): number {
  return Math.round(cents) / 100;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO time -> "2026-01-02 03:04" in local time; "—" when absent. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
