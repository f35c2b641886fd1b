import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import GithubSlugger from "github-slugger";
import { describe, expect, it } from "vitest";

/**
 * Every relative link in README.md and docs/ must reach a file that exists and, when it names an anchor, a
 * heading of that file (anchors as GitHub renders them). Links inside code blocks are not links.
 */
const root = resolve(import.meta.dirname, "../../..");

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith(".md") ? [path] : [];
  });
}

const withoutCode = (text: string) => text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");

function anchorsOf(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = withoutCode(readFileSync(file, "utf8")).match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((h) => slugger.slug(h.replace(/^#+ /, ""))));
}

function relativeLinks(file: string): string[] {
  const text = withoutCode(readFileSync(file, "utf8"));
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

function brokenLinks(files: string[]): string[] {
  return files.flatMap((file) =>
    relativeLinks(file).flatMap((link) => {
      const [path = "", anchor] = link.split("#");
      const target = path === "" ? file : resolve(dirname(file), path);
      const where = `${relative(root, file)} -> ${link}`;
      if (!existsSync(target)) return [`${where}: no such file`];
      if (anchor === undefined || statSync(target).isDirectory()) return [];
      return anchorsOf(target).has(anchor) ? [] : [`${where}: no such heading`];
    }),
  );
}

describe("documentation links", () => {
  const files = [join(root, "README.md"), ...markdownFiles(join(root, "docs"))];

  it("covers the README and every page under docs/", () => {
    expect(files.length).toBeGreaterThan(8);
  });

  it("resolves every relative link to an existing file and heading", () => {
    expect(brokenLinks(files)).toEqual([]);
  });
});
