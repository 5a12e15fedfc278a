import { resolve } from "node:path";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | {
      kind: "mysql";
      host: string;
      port: number;
      user: string;
      password: string;
      database: string;
    };

/**
 * `sqlite:./data/siyu.sqlite`, `sqlite::memory:` or `mysql://user:pass@host:3306/db`
 * (`mariadb://` is accepted as an alias). Throws with a reason a person can act on.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (!path) throw new Error("sqlite URL needs a file path, e.g. sqlite:./data/siyu.sqlite");
    return { kind: "sqlite", path: path === ":memory:" ? path : resolve(path) };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error("is not a valid URL (expected mysql://user:pass@host:3306/db)");
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, ""));
    if (!database) throw new Error("mysql URL needs a database name, e.g. mysql://root@127.0.0.1:3306/siyu");
    if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) throw new Error(`database name "${database}" is not valid`);
    return {
      kind: "mysql",
      host: u.hostname || "127.0.0.1",
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username || "root"),
      password: decodeURIComponent(u.password),
      database,
    };
  }
  throw new Error("must start with sqlite: or mysql:// (for example sqlite:./data/siyu.sqlite)");
}
