import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const sourceFolders = ["shared", "functions", "infra", "local", "web", "bench"];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((file) => !file.split("/").includes("node_modules"));
}

/** The project files a file imports (values and types alike), as paths from the repository's root. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
  return importedFiles.flatMap(({ fileName }) => {
    const target = fileName.startsWith("#shared/")
      ? join(root, "shared", `${fileName.slice("#shared/".length)}.ts`)
      : fileName.startsWith(".")
        ? resolve(root, dirname(file), fileName)
        : undefined;
    return target && existsSync(target) ? [relative(root, target)] : [];
  });
}

const graph = new Map(sourceFolders.flatMap(sourceFiles).map((file) => [file, importsOf(file)]));

describe("the layers of the source", () => {
  it("reads imports (a check that finds nothing proves nothing)", () => {
    expect(graph.get("shared/platform/http.ts")).toContain("shared/platform/cors.ts");
    expect(graph.get("shared/openapi.ts")).toContain("shared/routes.ts");
  });

  it("keeps shared/platform free of anything above it: its files import only each other and packages", () => {
    const outward = [...graph]
      .filter(([file]) => file.startsWith("shared/platform/"))
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => !target.startsWith("shared/platform/"))
          .map((target) => `${file} -> ${target}`),
      );
    expect(outward).toEqual([]);
  });

  it("has no circle of file imports", () => {
    const circles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        circles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file, []);
    expect(circles).toEqual([]);
  });
});
