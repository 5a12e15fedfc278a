/**
 * A streaming RFC 4180 reader: quoted fields, `""` escapes, CR / LF / CRLF line breaks, a UTF-8
 * byte order mark. Each record carries the 1-based line on which it starts, so a quoted field that
 * spans lines shifts the numbers of the records after it exactly as an editor shows them.
 *
 * A file that is not CSV text is refused with a CsvFormatError: binary bytes (NUL and other
 * control characters), bytes that are not UTF-8, a quoted field still open at the end of the file.
 * A record that is merely malformed (a stray quote) is yielded with a `problem` so that the caller
 * reports it against its line and keeps going.
 */

export class CsvFormatError extends Error {
  constructor(
    message: string,
    readonly line: number | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The header row is not the expected one (missing, unexpected or repeated columns). */
export class CsvHeaderError extends CsvFormatError {}

export interface CsvRecord {
  /** line (1-based) on which the record starts */
  line: number;
  fields: string[];
  /** first syntax problem inside the record: the field index and what is wrong */
  problem?: { field: number; reason: string };
}

export type CsvInput = string | Uint8Array | AsyncIterable<Uint8Array | string>;

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;
const REPLACEMENT = 0xfffd;
/** No real column comes near this; a longer field means broken quoting or a file that is not CSV. */
const MAX_FIELD = 1_000_000;
/** Inputs given as one large buffer or string are fed in slices, so records stream out steadily. */
const SLICE = 1 << 20;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** a quote inside a quoted field: either the first half of `""` or the closing quote */
  QuoteInQuoted,
}

/** Control characters other than tab, LF, VT, FF, CR do not occur in text files. */
function isBinary(code: number): boolean {
  return (code < 9 || (code > 13 && code < 32)) && code !== 0x1b;
}

/** Bytes that are not UTF-8 in a piece that also holds control characters: a binary file, not a GBK one. */
function hasBinary(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isBinary(text.charCodeAt(i))) return true;
  return false;
}

export class CsvParser {
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = "";
  private touched = false;
  private afterCR = false;
  private problem: CsvRecord["problem"];

  /** Parses a piece of decoded text; completed records are appended to `out`. */
  push(text: string, out: CsvRecord[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === LF && this.afterCR) {
        // the LF of a CRLF: the CR already ended the line (and the record, outside quotes)
        this.afterCR = false;
        if (this.state === State.Quoted) this.field += "\n";
        i++;
        continue;
      }
      this.afterCR = c === CR;
      if (c === REPLACEMENT && !hasBinary(text))
        throw new CsvFormatError(
          `the file is not UTF-8 text (line ${this.line}); save it as "CSV UTF-8" (not GBK/ANSI or Excel format)`,
          this.line,
        );
      if (isBinary(c) || c === REPLACEMENT)
        throw new CsvFormatError(
          `the file is not a CSV text file: binary data on line ${this.line}; export the sheet as "CSV UTF-8"`,
          this.line,
        );
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.touched = true;
            this.quoteLine = this.line;
            this.state = State.Quoted;
            i++;
          } else if (c === COMMA) {
            this.touched = true;
            this.fields.push("");
            i++;
          } else if (c === CR || c === LF) {
            this.endRecord(out);
            i++;
          } else {
            this.touched = true;
            this.state = State.Unquoted;
          }
          break;
        case State.Unquoted: {
          // take the run of ordinary characters at once
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === COMMA || d === CR || d === LF || d === QUOTE || d === REPLACEMENT || isBinary(d)) break;
            j++;
          }
          if (j > i) {
            this.append(text.slice(i, j));
            i = j;
            break;
          }
          if (c === COMMA) {
            this.fields.push(this.field);
            this.field = "";
            this.state = State.FieldStart;
          } else if (c === CR || c === LF) {
            this.endRecord(out);
          } else {
            this.note("a quote inside an unquoted field (quote the whole field and double the quote)");
            this.append('"');
          }
          i++;
          break;
        }
        case State.Quoted: {
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === QUOTE || d === CR || d === LF || d === REPLACEMENT || isBinary(d)) break;
            j++;
          }
          if (j > i) {
            this.append(text.slice(i, j));
            i = j;
            break;
          }
          if (c === QUOTE) this.state = State.QuoteInQuoted;
          else {
            // a line break inside quotes belongs to the field
            this.append(c === CR ? "\r" : "\n");
            this.line++;
          }
          i++;
          break;
        }
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.append('"');
            this.state = State.Quoted;
          } else if (c === COMMA) {
            this.fields.push(this.field);
            this.field = "";
            this.state = State.FieldStart;
          } else if (c === CR || c === LF) {
            this.endRecord(out);
          } else {
            this.note("text after the closing quote of a quoted field");
            this.state = State.Unquoted;
            break; // read the character again as unquoted text
          }
          i++;
          break;
      }
    }
  }

  /** Ends the input: the last record may lack its line break; an open quote means it is not CSV. */
  end(out: CsvRecord[]): void {
    if (this.state === State.Quoted)
      throw new CsvFormatError(
        `the file is not valid CSV: the quoted field that starts on line ${this.quoteLine} is never closed`,
        this.quoteLine,
      );
    if (this.touched || this.field !== "") this.emit(out);
  }

  private append(s: string): void {
    this.field += s;
    if (this.field.length > MAX_FIELD)
      throw new CsvFormatError(
        `the file is not valid CSV: the field on line ${this.recordLine} is longer than ${MAX_FIELD} characters`,
        this.recordLine,
      );
  }

  private note(reason: string): void {
    this.problem ??= { field: this.fields.length, reason };
  }

  private endRecord(out: CsvRecord[]): void {
    // a blank line is no record at all
    if (this.touched || this.field !== "") this.emit(out);
    this.line++;
    this.recordLine = this.line;
  }

  private emit(out: CsvRecord[]): void {
    this.fields.push(this.field);
    const record: CsvRecord = { line: this.recordLine, fields: this.fields };
    if (this.problem) record.problem = this.problem;
    out.push(record);
    this.fields = [];
    this.field = "";
    this.touched = false;
    this.problem = undefined;
    this.state = State.FieldStart;
  }
}

async function* chunksOf(input: CsvInput): AsyncGenerator<Uint8Array | string> {
  if (typeof input === "string" || input instanceof Uint8Array) {
    for (let i = 0; i < input.length || i === 0; i += SLICE) yield input.slice(i, i + SLICE);
    return;
  }
  yield* input;
}

/**
 * Streams the records of a CSV input (string, bytes, or a Node Readable / async iterable of
 * chunks). `onBytes` hears how many bytes have been read so far (for a progress bar).
 */
export async function* readCsv(
  input: CsvInput,
  opts: { onBytes?: (bytesRead: number) => void } = {},
): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });
  const parser = new CsvParser();
  let bytes = 0;
  let out: CsvRecord[] = [];
  for await (const chunk of chunksOf(input)) {
    if (typeof chunk === "string") {
      // a string from memory may still begin with a BOM
      parser.push(bytes === 0 && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk, out);
      bytes += Buffer.byteLength(chunk);
    } else {
      parser.push(decoder.decode(chunk, { stream: true }), out);
      bytes += chunk.byteLength;
    }
    opts.onBytes?.(bytes);
    if (out.length) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  parser.push(decoder.decode(), out);
  parser.end(out);
  yield* out;
}

/** Index of every expected column in a header row, or a CsvHeaderError naming what is wrong. */
export function matchHeader(fields: string[], expected: readonly string[], line = 1): Map<string, number> {
  const names = fields.map((f) => f.trim().toLowerCase());
  const seen = new Map<string, number>();
  const duplicate = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) duplicate.add(name);
    else seen.set(name, i);
  });
  const missing = expected.filter((c) => !seen.has(c));
  const unexpected = names.filter((n) => !expected.includes(n));
  if (!missing.length && !unexpected.length && !duplicate.size) return seen;
  const list = (xs: string[]) => xs.map((x) => (x === "" ? "(empty)" : x)).join(", ");
  const parts: string[] = [];
  if (missing.length) parts.push(`missing column${missing.length > 1 ? "s" : ""} ${list(missing)}`);
  if (unexpected.length) parts.push(`unexpected column${unexpected.length > 1 ? "s" : ""} ${list(unexpected)}`);
  if (duplicate.size) parts.push(`repeated column${duplicate.size > 1 ? "s" : ""} ${list([...duplicate])}`);
  throw new CsvHeaderError(`wrong header on line ${line}: ${parts.join("; ")} (expected: ${expected.join(",")})`, line);
}

/** One CSV field, quoted when it has to be. */
export function csvField(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (CRLF-terminated, as RFC 4180 writes it). */
export function csvLine(values: (string | number | null | undefined)[]): string {
  return values.map(csvField).join(",") + "\r\n";
}
