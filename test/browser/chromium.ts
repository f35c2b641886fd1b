import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { type Browser, chromium } from "playwright-core";

/** The system Chromium (Debian package `chromium`), used when present. */
export const systemChromium = "/usr/bin/chromium";

/**
 * Flags for a root user on a machine without network: no sandbox (root), no GPU, and nothing that phones
 * home (background networking, component updates, sync, QUIC). Playwright adds a fresh --user-data-dir itself.
 */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Chromium from the npm package `@sparticuz/chromium`: its binary ships inside the package (brotli) and is
 * inflated to the temp folder. The libraries it links against (NSS, NSPR, expat) ship beside it for Amazon
 * Linux; we inflate them too and point the loader at them, so a machine with only Node needs nothing more.
 */
async function packagedChromium(): Promise<{ executablePath: string; env: Record<string, string> }> {
  const { default: Sparticuz } = await import("@sparticuz/chromium");
  const executablePath = await Sparticuz.executablePath();
  const libs = join(tmpdir(), "sparticuz-al2023");
  if (!existsSync(join(libs, "lib", "libnss3.so"))) {
    // The package exports no package.json: walk up from its entry point to the folder that holds bin/.
    let root = dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium"));
    while (!existsSync(join(root, "bin", "al2023.tar.br")) && dirname(root) !== root) root = dirname(root);
    const bin = join(root, "bin");
    extractTar(brotliDecompressSync(readFileSync(join(bin, "al2023.tar.br"))), libs);
  }
  const ldPath = [join(libs, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  return { executablePath, env: { LD_LIBRARY_PATH: ldPath } };
}

/** Regular files of a ustar archive into `dir` (the archive holds a flat lib/ folder of shared objects). */
function extractTar(archive: Buffer, dir: string): void {
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    if (!name) break;
    const size = Number.parseInt(
      header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim() || "0",
      8,
    );
    const type = String.fromCharCode(header[156] ?? 48);
    const prefix = header.subarray(345, 500).toString("utf8").replace(/\0.*$/s, "");
    const path = join(dir, prefix ? `${prefix}/${name}` : name);
    if (!path.startsWith(dir)) throw new Error(`unsafe path in archive: ${name}`);
    if (type === "0" || type === "\0") {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, archive.subarray(offset + 512, offset + 512 + size));
    } else if (type === "5") mkdirSync(path, { recursive: true });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
}

/**
 * Which Chromium the browser tests drive: `PIN_CHROMIUM=packaged` forces the npm package's, a path names one,
 * otherwise the system one when installed, else the npm package's.
 */
export async function chromiumExecutable(): Promise<{
  executablePath: string;
  env: Record<string, string>;
  kind: string;
}> {
  const wanted = process.env.PIN_CHROMIUM;
  if (wanted && wanted !== "packaged") return { executablePath: wanted, env: {}, kind: "given" };
  if (wanted !== "packaged" && existsSync(systemChromium))
    return { executablePath: systemChromium, env: {}, kind: "system" };
  return { ...(await packagedChromium()), kind: "packaged" };
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath, env } = await chromiumExecutable();
  return chromium.launch({
    executablePath,
    headless: true,
    args: chromiumArgs,
    env: { ...(process.env as Record<string, string>), ...env },
    timeout: 60_000,
  });
}
