import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MARIADBD = ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"].find((p) => existsSync(p));
const INSTALL_DB = ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"].find((p) => existsSync(p));

/** Why a scratch MariaDB cannot run here, or null when it can. */
export const scratchMariadbMissing: string | null =
  MARIADBD && INSTALL_DB ? null : "mariadbd or mariadb-install-db is not installed";

/**
 * A MariaDB server of the test's own (own data directory, port and socket), for tests that crash
 * and restart the database. The shared server on 3306 is never touched.
 */
export interface ScratchMariadb {
  port: number;
  url(database: string): string;
  /** SIGKILL, as a crash or a pulled plug would; resolves once the process is gone */
  kill(): Promise<void>;
  /** starts it again on the same data directory and port (InnoDB recovers) */
  start(): Promise<void>;
  /** stops it and removes its data directory */
  destroy(): Promise<void>;
}

export async function startScratchMariadb(): Promise<ScratchMariadb> {
  if (scratchMariadbMissing) throw new Error(scratchMariadbMissing);
  const dir = mkdtempSync(join(tmpdir(), "siyu-mariadb-"));
  const install = spawnSync(
    INSTALL_DB!,
    [
      "--no-defaults",
      `--datadir=${join(dir, "data")}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      `--user=${process.getuid?.() === 0 ? "root" : (process.env.USER ?? "root")}`,
    ],
    { encoding: "utf8" },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    const log = openSync(join(dir, "server.log"), "a");
    child = spawn(
      MARIADBD!,
      [
        "--no-defaults",
        `--datadir=${join(dir, "data")}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        `--socket=${join(dir, "mysqld.sock")}`,
        `--pid-file=${join(dir, "mysqld.pid")}`,
        ...(process.getuid?.() === 0 ? ["--user=root"] : []),
        "--skip-grant-tables",
        "--skip-log-bin",
        "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=16M",
      ],
      { stdio: ["ignore", log, log] },
    );
    const started = child;
    for (let i = 0; i < 600; i++) {
      if (started.exitCode !== null) throw new Error(`mariadbd exited (${started.exitCode}); see ${dir}/server.log`);
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`mariadbd did not open port ${port}; see ${dir}/server.log`);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
    child = null;
  };
  await start();
  return {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    kill,
    start,
    destroy: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
