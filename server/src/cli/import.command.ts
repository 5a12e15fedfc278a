import { createReadStream } from "node:fs";
import { access, constants, stat, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { userInfo } from "node:os";
import { Command } from "commander";
import { migrate } from "../db/database.ts";
import { ValidationError } from "../http/errors.ts";
import type { ImportJob } from "../modules/imports/import-job.entity.ts";
import { ImportService, type ImportKind, type ImportProgress } from "../modules/imports/import.service.ts";
import { systemClock } from "../platform/clock.ts";
import { CliError, cliContext, withDatabase } from "./cli-context.ts";

/** Rejected rows printed on the terminal; the rest go to --errors FILE. */
const SHOWN_ERRORS = 50;

/**
 * `siyu import customers FILE.csv` / `siyu import orders FILE.csv` (data-formats.md).
 * Exit 0 when the file was processed, rejected rows included (they are listed, and written with
 * --errors); exit 1 when the file is refused (unreadable, not CSV, wrong header) or the import
 * fails; exit 2 on wrong usage.
 */
export function importCommands(): Command {
  const imp = new Command("import").description("import customers or orders from CSV (data-formats.md)");
  const verb = (kind: ImportKind, what: string) =>
    imp
      .command(`${kind} <file>`)
      .description(`import ${what} from ${kind}.csv; re-importing the same file changes nothing`)
      .option("--errors <file>", "write the rejected rows as CSV (line,column,reason,raw)")
      .action((file: string, opts: { errors?: string }) => importFile(kind, file, opts));
  verb("customers", "customers (matched by external_userid, mobile or unionid)");
  verb("orders", "orders (upserted by order_no)");
  return imp;
}

async function importFile(kind: ImportKind, file: string, opts: { errors?: string }): Promise<void> {
  const { config, out } = cliContext();
  let size: number;
  try {
    await access(file, constants.R_OK);
    const s = await stat(file);
    if (!s.isFile()) throw new Error("not a regular file");
    size = s.size;
  } catch (err) {
    throw new CliError(
      `${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  await withDatabase(config, async (ds) => {
    await migrate(ds);
    const bar = progressBar(size);
    const imports = new ImportService(ds, systemClock);
    let job: ImportJob;
    try {
      job = await imports.run({
        kind,
        source: "cli",
        filename: basename(file),
        actor: `cli:${safeUser()}`,
        open: () => createReadStream(file),
        onProgress: bar.update,
      });
    } catch (err) {
      bar.clear();
      if (err instanceof ValidationError) throw new CliError(`${file}: ${err.fields[0]?.reason ?? err.message}`);
      throw new CliError(`${file}: import failed: ${(err as Error).message}`);
    }
    bar.clear();
    out(
      `imported: ${job.inserted} inserted, ${job.updated} updated, ${job.unchanged} unchanged, ${job.rejected} rejected (${file}, ${job.totalRows} rows, import #${job.id})`,
    );
    if (job.rejected) {
      const { errors, errorCount } = await imports.get(job.id);
      for (const e of errors.slice(0, SHOWN_ERRORS))
        out(`${file}: line ${e.line}${e.columnName ? `, column ${e.columnName}` : ""}: ${e.reason}`);
      const more = errorCount - Math.min(errors.length, SHOWN_ERRORS);
      if (more > 0)
        out(
          `… and ${more} more${opts.errors ? `; full report in ${opts.errors}` : "; full report with --errors FILE"}`,
        );
    }
    if (opts.errors) {
      try {
        await writeFile(opts.errors, await imports.errorReportCsv(job.id));
      } catch (err) {
        throw new CliError(`${opts.errors}: cannot write the error report (${(err as Error).message})`);
      }
    }
  });
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** `[#########-----------]  45%  12 000 / 26 000 rows` on stderr, when it is a terminal. */
function progressBar(totalBytes: number) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update: (p: ImportProgress) => {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && p.processedRows < p.totalRows) return;
      last = now;
      const ratio = totalBytes ? Math.min(1, p.bytesRead / totalBytes) : 1;
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(
        `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ${p.processedRows} / ${p.totalRows} rows`,
      );
    },
    clear: () => {
      if (tty) process.stderr.write("\r\x1b[K");
    },
  };
}
